/**
 * The embedded pipeline runner: {@link dev.mlops.core.pipeline.EmbeddedPipelines} runs
 * {@link dev.mlops.api.pipeline.Pipeline}s on a bounded thread pool, journals durable runs under
 * {@code <home>/pipelines/} and resumes them after a crash; {@link dev.mlops.core.pipeline.Triggers}
 * starts runs (or actions) when matching events arrive on the platform's event bus.
 *
 * @since 0.1.0
 */
package dev.mlops.core.pipeline;
