package dev.mlops.api.pipeline;

import java.time.Duration;

/**
 * A run in progress.
 *
 * <pre>{@code
 * RunHandle handle = mlops.pipelines().start(pipeline);
 * PipelineRun now = handle.snapshot();
 * handle.cancel();
 * PipelineRun done = handle.await(Duration.ofMinutes(5));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface RunHandle {
    /**
     * The run id.
     *
     * @return the id
     */
    String runId();

    /**
     * The run as it stands now.
     *
     * @return a snapshot
     */
    PipelineRun snapshot();

    /**
     * Waits until the run is done.
     *
     * @return the final run
     */
    PipelineRun await();

    /**
     * Waits until the run is done, at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the final run
     * @throws dev.mlops.api.OperationTimeoutException if the run is still going after {@code timeout}
     */
    PipelineRun await(Duration timeout);

    /**
     * Cancels the run: queued steps become cancelled, running attempts are interrupted. Calling it
     * on a finished run has no effect.
     */
    void cancel();
}
