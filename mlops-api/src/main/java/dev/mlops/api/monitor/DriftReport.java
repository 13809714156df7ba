package dev.mlops.api.monitor;

import dev.mlops.api.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Per-feature drift verdicts of current data against a reference, and the dataset's: it drifts when
 * the share of drifted features reaches the share threshold (half, by default).
 *
 * <pre>{@code
 * DriftReport report = DriftDetector.defaults().report(reference, current);
 * if (report.datasetDrift()) { ... }
 * report.drifted();   // the features that drifted
 * }</pre>
 *
 * @param at when it was computed
 * @param features one verdict per feature, in the reference's column order
 * @param driftedShare the share of features that drifted
 * @param shareThreshold the share at which the dataset drifts
 * @param datasetDrift whether the dataset drifts
 * @since 0.1.0
 */
public record DriftReport(Instant at, List<FeatureDrift> features, double driftedShare, double shareThreshold,
        boolean datasetDrift) {
    /**
     * Copies the list.
     *
     * @param at when
     * @param features the verdicts
     * @param driftedShare the share
     * @param shareThreshold the threshold
     * @param datasetDrift the verdict
     */
    public DriftReport {
        Checks.notNull("at", at);
        features = List.copyOf(features);
    }

    /**
     * One feature's verdict.
     *
     * @param feature the name
     * @return the verdict, if the feature was tested
     */
    public Optional<FeatureDrift> feature(String feature) {
        return features.stream().filter(f -> f.feature().equals(feature)).findFirst();
    }

    /**
     * The features that drifted.
     *
     * @return their verdicts
     */
    public List<FeatureDrift> drifted() {
        return features.stream().filter(FeatureDrift::drifted).toList();
    }
}
