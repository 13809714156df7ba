package dev.mlops.api.monitor;

import dev.mlops.api.Checks;

/**
 * The drift verdict for one feature.
 *
 * <pre>{@code
 * FeatureDrift d = report.feature("avg_rating").orElseThrow();
 * d.test(); d.score(); d.threshold(); d.drifted();
 * }</pre>
 *
 * @param feature the feature (column) name
 * @param test the test used
 * @param score its p-value or distance
 * @param threshold the threshold it was held to
 * @param drifted whether it drifted
 * @param referenceCount values in the reference (missing ones left out)
 * @param currentCount values in the current data (missing ones left out)
 * @since 0.1.0
 */
public record FeatureDrift(String feature, DriftTest test, double score, double threshold, boolean drifted,
        long referenceCount, long currentCount) {
    /**
     * Checks the fields.
     *
     * @param feature the feature
     * @param test the test
     * @param score the score
     * @param threshold the threshold
     * @param drifted the verdict
     * @param referenceCount the reference count
     * @param currentCount the current count
     */
    public FeatureDrift {
        Checks.text("feature", feature, 200);
        Checks.notNull("test", test);
    }
}
