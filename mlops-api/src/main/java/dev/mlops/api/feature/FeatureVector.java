package dev.mlops.api.feature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The online features of one entity key, by full name ({@code view__feature}).
 *
 * <pre>{@code
 * FeatureVector v = mlops.features().onlineFeatures(List.of(Map.of("user_id", "u1")), service).get(0);
 * double rating = v.value("user_stats__avg_rating", Double.class).orElse(3.0);
 * }</pre>
 *
 * @param key the entity key it was read for
 * @param values the features, in service order
 * @since 0.1.0
 */
public record FeatureVector(Map<String, Object> key, Map<String, FeatureValue> values) {
    /**
     * Copies the maps, keeping their order.
     *
     * @param key the key
     * @param values the values
     */
    public FeatureVector {
        key = Map.copyOf(key);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * A present value.
     *
     * @param feature the full feature name
     * @param type its Java type
     * @param <T> the type
     * @return the value, if {@link FeatureValue.Status#PRESENT}
     */
    public <T> Optional<T> value(String feature, Class<T> type) {
        FeatureValue v = values.get(feature);
        return v == null || v.status() != FeatureValue.Status.PRESENT ? Optional.empty() : Optional.of(type.cast(v.value()));
    }
}
