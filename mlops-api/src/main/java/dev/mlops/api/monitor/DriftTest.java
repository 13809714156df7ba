package dev.mlops.api.monitor;

/**
 * A test that compares a feature's current distribution with its reference. Tests with a p-value
 * drift when the p-value falls below the threshold; distances drift when they reach it.
 *
 * <pre>{@code
 * DriftTest.KS.pValue();            // true: drift when p < threshold
 * DriftTest.WASSERSTEIN.threshold(); // 0.1 by default
 * }</pre>
 *
 * @since 0.1.0
 */
public enum DriftTest {
    /** Two-sample Kolmogorov–Smirnov test, for numbers; p-value. */
    KS(true, 0.05),
    /** Chi-squared goodness of fit of the current counts to the reference shares, for categories; p-value. */
    CHI_SQUARED(true, 0.05),
    /** Two-proportion Z-test, for two categories; p-value. */
    Z_TEST(true, 0.05),
    /** Population stability index over Sturges bins (category shares with at most 20 distinct values). */
    PSI(false, 0.1),
    /** Jensen–Shannon distance (base 2) over 30 equal-width bins or category shares. */
    JENSEN_SHANNON(false, 0.1),
    /** Wasserstein distance divided by max(reference standard deviation, 0.001), for numbers. */
    WASSERSTEIN(false, 0.1);

    private final boolean pValue;
    private final double threshold;

    DriftTest(boolean pValue, double threshold) {
        this.pValue = pValue;
        this.threshold = threshold;
    }

    /**
     * Whether the score is a p-value (drift below the threshold) rather than a distance (drift at
     * or above it).
     *
     * @return {@code true} for p-values
     */
    public boolean pValue() {
        return pValue;
    }

    /**
     * The default threshold.
     *
     * @return 0.05 for p-values, 0.1 for distances
     */
    public double threshold() {
        return threshold;
    }

    /**
     * Whether a score drifts at a threshold.
     *
     * @param score the test's score
     * @param threshold the threshold
     * @return the verdict
     */
    public boolean drifted(double score, double threshold) {
        return pValue ? score < threshold : score >= threshold;
    }
}
