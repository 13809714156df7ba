package dev.mlops.testkit;

import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.StepRun;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a pipeline run; start with {@link MlopsAssertions#assertThat(PipelineRun)}.
 *
 * <pre>{@code
 * PipelineRun run = mlops.pipelines().run(pipeline);
 * assertThat(run).succeeded().step("train").hasAttempts(2);
 * assertThat(run).step("features").wasCacheHit();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PipelineRunAssert extends AbstractAssert<PipelineRunAssert, PipelineRun> {

    PipelineRunAssert(PipelineRun actual) {
        super(actual, PipelineRunAssert.class);
    }

    /**
     * Checks that the run succeeded.
     *
     * @return this
     */
    public PipelineRunAssert succeeded() {
        return hasState(RunState.SUCCEEDED);
    }

    /**
     * Checks that the run failed.
     *
     * @return this
     */
    public PipelineRunAssert failed() {
        return hasState(RunState.FAILED);
    }

    /**
     * Checks the run state; the failure message lists every step's state and error.
     *
     * @param state the expected state
     * @return this
     */
    public PipelineRunAssert hasState(RunState state) {
        isNotNull();
        if (actual.state() != state) {
            failWithMessage("Expected run %s to be %s but was %s; steps:%n%s", actual.runId(), state, actual.state(),
                    actual.steps().stream().map(s -> "  " + s.name() + " " + s.state() + s.error().map(e -> " " + e).orElse(""))
                            .collect(Collectors.joining(System.lineSeparator())));
        }
        return this;
    }

    /**
     * Moves on to one step.
     *
     * @param name a step name, or {@code step[i]} for a mapped instance
     * @return assertions on that step
     */
    public StepRunAssert step(String name) {
        isNotNull();
        Optional<StepRun> step = actual.step(name);
        if (step.isEmpty()) {
            failWithMessage("Expected run %s to have step <%s> but it has %s", actual.runId(), name,
                    actual.steps().stream().map(StepRun::name).toList());
        }
        return new StepRunAssert(step.get());
    }
}
