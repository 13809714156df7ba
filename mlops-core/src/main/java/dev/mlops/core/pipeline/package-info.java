/**
 * The embedded pipeline runner: {@link dev.mlops.core.pipeline.EmbeddedPipelines} runs
 * {@link dev.mlops.api.pipeline.Pipeline}s on a bounded thread pool, journals durable runs under
 * {@code <home>/pipelines/} and resumes them after a crash.
 *
 * @since 0.1.0
 */
package dev.mlops.core.pipeline;
