/**
 * Experiment tracking: experiments, runs with write-once parameters, metric series, tags,
 * artifacts and status, and comparison of runs.
 *
 * <pre>{@code
 * try (TrackingRun run = mlops.tracker().startRun("movie-rater", "baseline")) {
 *     run.logParam("epochs", "10");
 *     for (int epoch = 0; epoch < 10; epoch++) run.logMetric("loss", train(), epoch);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.tracking;
