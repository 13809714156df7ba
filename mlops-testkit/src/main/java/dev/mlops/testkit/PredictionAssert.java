package dev.mlops.testkit;

import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.Route;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a serving endpoint's answer; start with {@link MlopsAssertions#assertThat(Prediction)}.
 *
 * <pre>{@code
 * assertThat(endpoint.predict(input)).hasValue(3.5f).answeredBy("movie-star-rater", 4).tookRoute(Route.CANARY);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PredictionAssert extends AbstractAssert<PredictionAssert, Prediction<?>> {

    PredictionAssert(Prediction<?> actual) {
        super(actual, PredictionAssert.class);
    }

    /**
     * Checks the answered value.
     *
     * @param value the expected value
     * @return this
     */
    public PredictionAssert hasValue(Object value) {
        isNotNull();
        if (!Objects.equals(actual.value(), value)) {
            failWithMessage("Expected the prediction to be <%s> but it was <%s> (%s version %s, %s)", value, actual.value(),
                    actual.model(), actual.version(), actual.route());
        }
        return this;
    }

    /**
     * Checks a numeric value within a tolerance.
     *
     * @param value the expected value
     * @param tolerance the largest allowed difference
     * @return this
     */
    public PredictionAssert hasValueCloseTo(double value, double tolerance) {
        isNotNull();
        if (!(actual.value() instanceof Number) || Math.abs(((Number) actual.value()).doubleValue() - value) > tolerance) {
            failWithMessage("Expected the prediction to be within %s of <%s> but it was <%s>", tolerance, value, actual.value());
        }
        return this;
    }

    /**
     * Checks which model version answered.
     *
     * @param model the registered model
     * @param version the version
     * @return this
     */
    public PredictionAssert answeredBy(String model, int version) {
        isNotNull();
        if (!actual.model().equals(model) || actual.version() != version) {
            failWithMessage("Expected %s version %s to answer but %s version %s did", model, version, actual.model(),
                    actual.version());
        }
        return this;
    }

    /**
     * Checks the route the request took.
     *
     * @param route the expected route
     * @return this
     */
    public PredictionAssert tookRoute(Route route) {
        isNotNull();
        if (actual.route() != route) {
            failWithMessage("Expected route %s but the request took %s", route, actual.route());
        }
        return this;
    }

    /**
     * Checks that the request waited at most this long for its batch.
     *
     * @param limit the longest queue time
     * @return this
     */
    public PredictionAssert waitedAtMost(Duration limit) {
        isNotNull();
        if (actual.queueTime().compareTo(limit) > 0) {
            failWithMessage("Expected a queue time of at most %s but it was %s", limit, actual.queueTime());
        }
        return this;
    }
}
