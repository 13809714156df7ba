package dev.mlops.api.tracking;

import dev.mlops.api.pipeline.StepContext;
import java.util.List;
import java.util.Optional;

/**
 * Experiments and their runs. An SPI: the core keeps runs under the platform home; mlops-mlflow on
 * an MLflow server. Both pass the same compatibility kit.
 *
 * <pre>{@code
 * Tracker tracker = mlops.tracker();
 * try (TrackingRun run = tracker.startRun("movie-rater", "baseline")) { ... }
 * RunInfo best = tracker.bestRun("movie-rater", "rmse", true).orElseThrow();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Tracker {
    /**
     * Starts a run in an experiment (created if needed).
     *
     * @param experiment a valid {@link dev.mlops.api.Name}
     * @param runName a human name for the run
     * @return the running run
     */
    TrackingRun startRun(String experiment, String runName);

    /**
     * The tracking run of a pipeline run: experiment = pipeline, one tracking run per pipeline run
     * (the same one for every step and after a resume), tagged with pipeline and run id.
     *
     * @param ctx the step context
     * @return the running run
     */
    TrackingRun runFor(StepContext ctx);

    /**
     * A run by id.
     *
     * @param runId the run id
     * @return its record, if it exists
     */
    Optional<RunInfo> findRun(String runId);

    /**
     * The runs of an experiment, oldest first.
     *
     * @param experiment the experiment
     * @return their records
     */
    List<RunInfo> runs(String experiment);

    /**
     * The experiments, by name.
     *
     * @return the names
     */
    List<String> experiments();

    /**
     * The finished run of an experiment with the best last value of a metric.
     *
     * @param experiment the experiment
     * @param metric the metric
     * @param lowerIsBetter whether lower values are better
     * @return the best run, if any finished run logged the metric
     */
    default Optional<RunInfo> bestRun(String experiment, String metric, boolean lowerIsBetter) {
        return runs(experiment).stream()
                .filter(r -> r.status() == RunStatus.FINISHED && r.latest(metric).isPresent())
                .min((a, b) -> (lowerIsBetter ? 1 : -1) * Double.compare(a.latest(metric).get(), b.latest(metric).get()));
    }
}
