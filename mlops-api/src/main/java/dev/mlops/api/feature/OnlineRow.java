package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.ColumnType;
import java.time.LocalDate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The latest row of one key of one view version, as an {@link OnlineStore} keeps it.
 *
 * <pre>{@code
 * new OnlineRow(List.of(42L), Instant.parse("2026-01-01T00:00:00Z"), List.of(4.5, 120L));
 * }</pre>
 *
 * @param keys the join-key values, in the order of the view's entities' join keys; none null
 * @param eventTime the row's event time
 * @param values the feature values in view field order; {@code null} where missing
 * @since 0.1.0
 */
public record OnlineRow(List<Object> keys, Instant eventTime, List<Object> values) {
    /**
     * Checks that every key and value is of a {@link ColumnType}'s Java type (keys not null).
     *
     * @param keys the keys
     * @param eventTime the event time
     * @param values the values
     * @throws ValidationException naming the first key or value of another type
     */
    public OnlineRow {
        Checks.notNull("online row eventTime", eventTime);
        Checks.notNull("online row keys", keys);
        if (keys.isEmpty()) {
            throw new ValidationException("online row keys", "hold at least one join-key value", keys);
        }
        for (Object key : keys) {
            if (key == null) {
                throw new ValidationException("online row keys", "hold no null", keys);
            }
            check("online row key", key);
        }
        keys = List.copyOf(keys);
        List<Object> copy = new ArrayList<>(Checks.notNull("online row values", values));
        for (Object value : copy) {
            if (value != null) {
                check("online row value", value);
            }
        }
        values = Collections.unmodifiableList(copy);
    }

    private static void check(String field, Object value) {
        if (value instanceof Double || value instanceof Long || value instanceof String || value instanceof Boolean
                || value instanceof Instant || value instanceof LocalDate) {
            return;
        }
        throw new ValidationException(field, "be a String, Long, Double, Boolean, Instant or LocalDate",
                value == null ? null : value + " (" + value.getClass().getName() + ")");
    }
}
