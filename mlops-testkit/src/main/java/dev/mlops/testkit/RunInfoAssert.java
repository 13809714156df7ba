package dev.mlops.testkit;

import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a tracking run; start with {@link MlopsAssertions#assertThat(RunInfo)}.
 *
 * <pre>{@code
 * assertThat(tracker.findRun(id).orElseThrow()).isFinished().hasParam("epochs", "10").hasLatestMetric("rmse", 0.84);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RunInfoAssert extends AbstractAssert<RunInfoAssert, RunInfo> {

    RunInfoAssert(RunInfo actual) {
        super(actual, RunInfoAssert.class);
    }

    /**
     * Checks that the run finished normally.
     *
     * @return this
     */
    public RunInfoAssert isFinished() {
        return hasStatus(RunStatus.FINISHED);
    }

    /**
     * Checks the status.
     *
     * @param status the expected status
     * @return this
     */
    public RunInfoAssert hasStatus(RunStatus status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("Expected tracking run %s to be %s but was %s", actual.id(), status, actual.status());
        }
        return this;
    }

    /**
     * Checks a parameter.
     *
     * @param key the key
     * @param value the expected value
     * @return this
     */
    public RunInfoAssert hasParam(String key, String value) {
        isNotNull();
        if (!Objects.equals(actual.params().get(key), value)) {
            failWithMessage("Expected tracking run %s to have param %s=%s but its params are %s", actual.id(), key, value,
                    actual.params());
        }
        return this;
    }

    /**
     * Checks the last value of a metric.
     *
     * @param name the metric
     * @param value the expected value
     * @return this
     */
    public RunInfoAssert hasLatestMetric(String name, double value) {
        isNotNull();
        if (!actual.latest(name).map(v -> Double.compare(v, value) == 0).orElse(false)) {
            failWithMessage("Expected tracking run %s to end %s at %s but it was %s", actual.id(), name, value,
                    actual.latest(name).map(String::valueOf).orElse("never logged"));
        }
        return this;
    }
}
