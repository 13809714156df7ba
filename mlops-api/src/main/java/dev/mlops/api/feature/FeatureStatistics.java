package dev.mlops.api.feature;

import dev.mlops.api.data.ColumnType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Statistics of one feature view version's data, computed on request and kept with the version:
 * the reference that drift monitoring compares live data to.
 *
 * <pre>{@code
 * FeatureStatistics stats = mlops.features().computeStatistics("user_stats", 1);
 * stats.fields().get("avg_rating").quantiles().get("p50");
 * }</pre>
 *
 * @param view the view name
 * @param version the view version
 * @param computedAt when they were computed
 * @param rows the rows read
 * @param fields per feature
 * @since 0.1.0
 */
public record FeatureStatistics(String view, int version, Instant computedAt, long rows, Map<String, Field> fields) {
    /**
     * Copies the map.
     *
     * @param view the view
     * @param version the version
     * @param computedAt when
     * @param rows the rows
     * @param fields per feature
     */
    public FeatureStatistics {
        fields = Map.copyOf(fields);
    }

    /**
     * Statistics of one feature.
     *
     * @param type the feature's type
     * @param count non-null values
     * @param nulls null values
     * @param mean the mean, for numbers
     * @param variance the sample variance, for numbers
     * @param min the smallest value, for numbers
     * @param max the largest value, for numbers
     * @param quantiles {@code p5}, {@code p25}, {@code p50}, {@code p75}, {@code p95}, for numbers
     * @param topValues the most frequent values with their counts, most frequent first (at most 10)
     */
    public record Field(ColumnType type, long count, long nulls, Optional<Double> mean, Optional<Double> variance,
            Optional<Double> min, Optional<Double> max, Map<String, Double> quantiles, List<ValueCount> topValues) {
        /**
         * Copies the collections.
         *
         * @param type the type
         * @param count the count
         * @param nulls the nulls
         * @param mean the mean
         * @param variance the variance
         * @param min the min
         * @param max the max
         * @param quantiles the quantiles
         * @param topValues the top values
         */
        public Field {
            quantiles = Map.copyOf(quantiles);
            topValues = List.copyOf(topValues);
        }
    }

    /**
     * A value and how often it occurs.
     *
     * @param value the value, as text
     * @param count its occurrences
     */
    public record ValueCount(String value, long count) {
    }
}
