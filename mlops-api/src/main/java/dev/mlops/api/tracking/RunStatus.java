package dev.mlops.api.tracking;

/**
 * The status of a tracking run.
 *
 * @since 0.1.0
 */
public enum RunStatus {
    /** Still logging. */
    RUNNING,
    /** Ended normally. */
    FINISHED,
    /** Ended with an error. */
    FAILED,
    /** Stopped from outside. */
    KILLED
}
