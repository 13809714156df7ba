package dev.mlops.api.tracking;

import dev.mlops.api.artifact.ArtifactRef;
import java.nio.file.Path;

/**
 * A run being logged. Closing it ends it as {@link RunStatus#FINISHED} unless it was ended already.
 *
 * <pre>{@code
 * try (TrackingRun run = tracker.startRun("movie-rater", "lr-0.01")) {
 *     run.logParam("lr", "0.01").setTag("dataset", "ratings-2026-01");
 *     run.logMetric("rmse", 0.84, 1);
 *     run.logArtifact("model", Path.of("build/model"));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface TrackingRun extends AutoCloseable {
    /**
     * The run id.
     *
     * @return the id
     */
    String id();

    /**
     * Records a parameter. Parameters are write-once: logging the same value again is a no-op,
     * another value is refused.
     *
     * @param key a non-blank key
     * @param value the value
     * @return this run
     * @throws dev.mlops.api.ConflictException if the parameter has another value already
     */
    TrackingRun logParam(String key, String value);

    /**
     * Appends a value to a metric's series at a step.
     *
     * @param key a non-blank key
     * @param value a finite number
     * @param step the step, zero or more
     * @return this run
     */
    TrackingRun logMetric(String key, double value, long step);

    /**
     * Appends a value at the step after the metric's last one (0 for the first).
     *
     * @param key a non-blank key
     * @param value a finite number
     * @return this run
     */
    TrackingRun logMetric(String key, double value);

    /**
     * Sets a tag, replacing an earlier value.
     *
     * @param key a non-blank key
     * @param value the value
     * @return this run
     */
    TrackingRun setTag(String key, String value);

    /**
     * Stores a file or directory in the artifact store and records it under a name.
     *
     * @param name a valid {@link dev.mlops.api.Name}
     * @param path the file or directory
     * @return the stored artifact
     */
    ArtifactRef logArtifact(String name, Path path);

    /**
     * Ends the run.
     *
     * @param status {@link RunStatus#FINISHED}, {@link RunStatus#FAILED} or {@link RunStatus#KILLED}
     */
    void end(RunStatus status);

    /**
     * What the run has recorded so far.
     *
     * @return the run's record
     */
    RunInfo info();

    /** Ends the run as finished if it is still running. */
    @Override
    void close();
}
