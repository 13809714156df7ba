/**
 * Pipelines: typed DAG workflows whose edges follow from data. A step names the steps whose outputs
 * it consumes and receives them as typed values; {@link dev.mlops.api.pipeline.Pipeline.Builder#build()}
 * checks the whole graph; {@link dev.mlops.api.pipeline.Pipelines} runs it durably, and a
 * {@link dev.mlops.api.pipeline.Trigger} says which events start it.
 *
 * <pre>{@code
 * var p = Pipeline.builder("train-movie-rater");
 * Param<Integer> minStars = p.param("min_stars", Integer.class).defaultValue(1).build();
 * Step<List<Rating>> raw   = p.step("ingest", ctx -> source.read()).output(RatingList.CODEC);
 * Step<Integer> kept       = p.step("count", raw, (ctx, rows) -> rows.size()).retries(3);
 * Pipeline pipeline = p.build();
 * PipelineRun run = mlops.pipelines().run(pipeline, r -> r.param(minStars, 2));
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.pipeline;
