package dev.mlops.api.pipeline;

/**
 * Follows a run as it happens: step transitions and the progress steps report. Called on the
 * runner's threads; keep it quick and never throw (a throwing listener is logged and ignored).
 *
 * <pre>{@code
 * mlops.pipelines().start(pipeline, r -> r.listener(new RunListener() {
 *     public void onProgress(String runId, String step, long done, long total, String unit) {
 *         progressBar.update(step, done, total);
 *     }
 * }));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface RunListener {
    /**
     * A step (or mapped instance, named {@code step[i]}) changed state.
     *
     * @param runId the run
     * @param step the step or instance name
     * @param state the new state
     */
    default void onStepState(String runId, String step, StepState state) {
    }

    /**
     * A step reported progress.
     *
     * @param runId the run
     * @param step the step or instance name
     * @param done units done so far
     * @param total units in all, or 0 if unknown
     * @param unit what is counted
     */
    default void onProgress(String runId, String step, long done, long total, String unit) {
    }

    /**
     * The run ended.
     *
     * @param run the final state of the run
     */
    default void onRunDone(PipelineRun run) {
    }
}
