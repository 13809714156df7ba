package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.data.CsvFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stages 2 to 4 of the movie-ratings lifecycle, still simple: fit a baseline that predicts a movie's
 * vote average from its genre, track the run, register the model with its lineage and promote it to
 * {@code champion} through a gate. (DJL training replaces the baseline later.)
 */
final class TrainingPipeline {
    static final String MODEL = "movie-rater";
    static final PromotionPolicy POLICY = PromotionPolicy.builder()
            .metricAtMost("rmse", 2.0)
            .beatChampion("rmse", PromotionPolicy.Goal.MINIMIZE, 0.0)
            .build();

    /** The fitted baseline: mean vote average per genre. */
    record GenreMeans(Map<String, Double> means, double rmse, int rows) {
    }

    /** What the register step reports. */
    record Registered(int version, boolean champion, String trackingRun) {
    }

    final Step<GenreMeans> fit;
    final Step<Registered> register;
    final Pipeline pipeline;

    TrainingPipeline(Path moviesCsv) {
        var p = Pipeline.builder("train-movie-rater");
        fit = p.step("fit", ctx -> {
            Table movies = CsvFiles.read(moviesCsv, IngestionPipeline.MOVIES);
            int genre = movies.schema().indexOf("genre");
            int vote = movies.schema().indexOf("vote_average");
            Map<String, double[]> sums = new TreeMap<>();
            for (int r = 0; r < movies.rowCount(); r++) {
                double[] s = sums.computeIfAbsent(movies.stringAt(r, genre), g -> new double[2]);
                s[0] += movies.doubleAt(r, vote);
                s[1]++;
            }
            Map<String, Double> means = new TreeMap<>();
            sums.forEach((g, s) -> means.put(g, s[0] / s[1]));
            double squared = 0;
            for (int r = 0; r < movies.rowCount(); r++) {
                double error = movies.doubleAt(r, vote) - means.get(movies.stringAt(r, genre));
                squared += error * error;
            }
            double rmse = Math.sqrt(squared / movies.rowCount());
            TrackingRun tracking = ctx.platform().tracker().runFor(ctx);
            tracking.logParam("model", "genre-mean").logParam("rows", Integer.toString(movies.rowCount()));
            tracking.logMetric("rmse", rmse);
            return new GenreMeans(means, rmse, movies.rowCount());
        });
        register = p.step("register", fit, (ctx, model) -> {
            Path dir = Files.createTempDirectory("movie-rater-model");
            Files.writeString(dir.resolve("genre-means.json"), model.means().toString());
            TrackingRun tracking = ctx.platform().tracker().runFor(ctx);
            tracking.logArtifact("model", dir);
            ModelVersion version = ctx.platform().registry().createVersion(v -> v
                    .model(MODEL).artifacts(dir).format("genre-mean")
                    .metric("rmse", model.rmse()).param("rows", Integer.toString(model.rows()))
                    .pipelineRun(ctx.pipeline(), ctx.runId(), ctx.step())
                    .trackingRun(tracking.id())
                    .data("movies", ArtifactManifests.sha256(moviesCsv))
                    .by("train-movie-rater"));
            PromotionDecision decision = ctx.platform().registry().promote(MODEL, version.version(), "champion", POLICY,
                    "train-movie-rater");
            tracking.close();
            deleteQuietly(dir);
            return new Registered(version.version(), decision.promoted(), tracking.id());
        });
        pipeline = p.build();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
