package dev.mlops.testkit;

import dev.mlops.api.Nullable;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureVector;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an online feature vector; start with {@link MlopsAssertions#assertThat(FeatureVector)}.
 *
 * <pre>{@code
 * assertThat(vector).hasValue("user_stats__avg_rating", 4.5).hasStatus("user_clicks__clicks", Status.OUTSIDE_MAX_AGE);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FeatureVectorAssert extends AbstractAssert<FeatureVectorAssert, FeatureVector> {

    FeatureVectorAssert(FeatureVector actual) {
        super(actual, FeatureVectorAssert.class);
    }

    /**
     * Checks that a feature is present with a value.
     *
     * @param feature the full feature name
     * @param value the expected value
     * @return this
     */
    public FeatureVectorAssert hasValue(String feature, @Nullable Object value) {
        FeatureValue v = feature(feature);
        if (v.status() != FeatureValue.Status.PRESENT || !Objects.equals(v.value(), value)) {
            failWithMessage("Expected %s of %s to be present with <%s> but it was %s <%s>", feature, actual.key(), value,
                    v.status(), v.value());
        }
        return this;
    }

    /**
     * Checks a feature's status.
     *
     * @param feature the full feature name
     * @param status the expected status
     * @return this
     */
    public FeatureVectorAssert hasStatus(String feature, FeatureValue.Status status) {
        FeatureValue v = feature(feature);
        if (v.status() != status) {
            failWithMessage("Expected %s of %s to be %s but it was %s", feature, actual.key(), status, v.status());
        }
        return this;
    }

    private FeatureValue feature(String feature) {
        isNotNull();
        FeatureValue v = actual.values().get(feature);
        if (v == null) {
            failWithMessage("Expected the vector of %s to have feature <%s> but it has %s", actual.key(), feature,
                    actual.values().keySet());
        }
        return v;
    }
}
