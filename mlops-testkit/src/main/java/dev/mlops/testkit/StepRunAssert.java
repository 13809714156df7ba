package dev.mlops.testkit;

import dev.mlops.api.pipeline.StepRun;
import dev.mlops.api.pipeline.StepState;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one step of a run; reached through {@link PipelineRunAssert#step(String)}.
 *
 * <pre>{@code
 * assertThat(run).step("fetch").succeeded().hasAttempts(3);
 * assertThat(run).step("train").failed().hasErrorContaining("out of memory");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class StepRunAssert extends AbstractAssert<StepRunAssert, StepRun> {

    StepRunAssert(StepRun actual) {
        super(actual, StepRunAssert.class);
    }

    /**
     * Checks the step state.
     *
     * @param state the expected state
     * @return this
     */
    public StepRunAssert hasState(StepState state) {
        isNotNull();
        if (actual.state() != state) {
            failWithMessage("Expected step %s to be %s but was %s%s", actual.name(), state, actual.state(),
                    actual.error().map(e -> " (" + e + ")").orElse(""));
        }
        return this;
    }

    /**
     * Checks that the step succeeded.
     *
     * @return this
     */
    public StepRunAssert succeeded() {
        return hasState(StepState.SUCCEEDED);
    }

    /**
     * Checks that the step failed.
     *
     * @return this
     */
    public StepRunAssert failed() {
        return hasState(StepState.FAILED);
    }

    /**
     * Checks that the step was skipped.
     *
     * @return this
     */
    public StepRunAssert skipped() {
        return hasState(StepState.SKIPPED);
    }

    /**
     * Checks the number of attempts made in the run.
     *
     * @param attempts the expected number
     * @return this
     */
    public StepRunAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts().size() != attempts) {
            failWithMessage("Expected step %s to have %s attempts but it had %s: %s", actual.name(), attempts,
                    actual.attempts().size(), actual.attempts());
        }
        return this;
    }

    /**
     * Checks that the output came from the cache.
     *
     * @return this
     */
    public StepRunAssert wasCacheHit() {
        isNotNull();
        if (!actual.cacheHit()) {
            failWithMessage("Expected step %s to be a cache hit but it ran", actual.name());
        }
        return this;
    }

    /**
     * Checks the error text.
     *
     * @param text a part of the expected error
     * @return this
     */
    public StepRunAssert hasErrorContaining(String text) {
        isNotNull();
        if (actual.error().filter(e -> e.contains(text)).isEmpty()) {
            failWithMessage("Expected step %s to have an error containing <%s> but its error was <%s>", actual.name(),
                    text, actual.error().orElse("none"));
        }
        return this;
    }
}
