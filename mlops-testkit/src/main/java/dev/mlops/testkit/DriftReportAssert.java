package dev.mlops.testkit;

import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.FeatureDrift;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a drift report; start with {@link MlopsAssertions#assertThat(DriftReport)}.
 *
 * <pre>{@code
 * assertThat(detector.compare(reference, current))
 *         .hasDrift().hasDrifted("vote_average", "popularity").hasNotDrifted("genre");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DriftReportAssert extends AbstractAssert<DriftReportAssert, DriftReport> {

    DriftReportAssert(DriftReport actual) {
        super(actual, DriftReportAssert.class);
    }

    /**
     * Checks that the report concludes drift: the share of drifted features reached its threshold.
     *
     * @return this
     */
    public DriftReportAssert hasDrift() {
        isNotNull();
        if (!actual.datasetDrift()) {
            failWithMessage("Expected drift but %s of the features drifted (threshold %s): %s", actual.driftedShare(),
                    actual.shareThreshold(), names(actual.drifted()));
        }
        return this;
    }

    /**
     * Checks that the report concludes no drift.
     *
     * @return this
     */
    public DriftReportAssert hasNoDrift() {
        isNotNull();
        if (actual.datasetDrift()) {
            failWithMessage("Expected no drift but %s of the features drifted (threshold %s): %s", actual.driftedShare(),
                    actual.shareThreshold(), names(actual.drifted()));
        }
        return this;
    }

    /**
     * Checks that features drifted.
     *
     * @param features the features
     * @return this
     */
    public DriftReportAssert hasDrifted(String... features) {
        isNotNull();
        for (String feature : features) {
            FeatureDrift drift = feature(feature);
            if (!drift.drifted()) {
                failWithMessage("Expected <%s> to have drifted but %s scored %s against threshold %s", feature, drift.test(),
                        drift.score(), drift.threshold());
            }
        }
        return this;
    }

    /**
     * Checks that features did not drift.
     *
     * @param features the features
     * @return this
     */
    public DriftReportAssert hasNotDrifted(String... features) {
        isNotNull();
        for (String feature : features) {
            FeatureDrift drift = feature(feature);
            if (drift.drifted()) {
                failWithMessage("Expected <%s> not to have drifted but %s scored %s against threshold %s", feature,
                        drift.test(), drift.score(), drift.threshold());
            }
        }
        return this;
    }

    private FeatureDrift feature(String feature) {
        return actual.feature(feature).orElseGet(() -> {
            failWithMessage("Expected the report to cover <%s> but it covers %s", feature, names(actual.features()));
            return null;
        });
    }

    private static List<String> names(List<FeatureDrift> features) {
        return features.stream().map(FeatureDrift::feature).toList();
    }
}
