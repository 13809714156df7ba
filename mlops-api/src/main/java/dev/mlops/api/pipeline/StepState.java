package dev.mlops.api.pipeline;

/**
 * The state of one step (or one mapped instance) in a run.
 *
 * @since 0.1.0
 */
public enum StepState {
    /** Waiting for its inputs, a pool slot or a thread. */
    QUEUED,
    /** An attempt is running (or waiting for its retry backoff). */
    RUNNING,
    /** Done with an output (possibly from the cache). */
    SUCCEEDED,
    /** The last attempt failed; the cause is kept. */
    FAILED,
    /** Not run: its skip condition held or its trigger rule said so. */
    SKIPPED,
    /** Not run because an input step failed. */
    UPSTREAM_FAILED,
    /** Stopped or never started because the run was cancelled. */
    CANCELLED;

    /**
     * Tells whether the step will not change state again in this run.
     *
     * @return {@code true} for every state but {@link #QUEUED} and {@link #RUNNING}
     */
    public boolean done() {
        return this != QUEUED && this != RUNNING;
    }
}
