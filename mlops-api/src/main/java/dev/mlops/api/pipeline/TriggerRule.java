package dev.mlops.api.pipeline;

/**
 * When a step runs, given the final states of its input steps (as in Airflow). An input whose step
 * did not succeed is passed as {@code null}.
 *
 * <pre>{@code
 * p.step("notify", train, (ctx, model) -> alert(ctx)).trigger(TriggerRule.ANY_FAILED);
 * }</pre>
 *
 * @since 0.1.0
 */
public enum TriggerRule {
    /** Run when every input succeeded (the default); skipped if one was skipped, upstream-failed if one failed. */
    ALL_SUCCEEDED,
    /** Run once every input is done, whatever its state. */
    ALL_DONE,
    /** Run if at least one input failed or upstream-failed; otherwise skipped. */
    ANY_FAILED,
    /** Run if no input failed or upstream-failed (skipped inputs are fine); otherwise upstream-failed. */
    NONE_FAILED
}
