package dev.mlops.api.pipeline;

/**
 * The state of a pipeline run.
 *
 * @since 0.1.0
 */
public enum RunState {
    /** Accepted, no step started yet. */
    QUEUED,
    /** Steps are running; also the state a crashed run stays in until it is resumed. */
    RUNNING,
    /** Every step succeeded or was skipped. */
    SUCCEEDED,
    /** At least one step failed or upstream-failed. */
    FAILED,
    /** The run was cancelled. */
    CANCELLED;

    /**
     * Tells whether the run has ended.
     *
     * @return {@code true} for succeeded, failed and cancelled
     */
    public boolean done() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
