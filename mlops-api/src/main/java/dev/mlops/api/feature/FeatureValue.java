package dev.mlops.api.feature;

import dev.mlops.api.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One online feature value with what is known about it: whether it is there, when it happened and
 * how old it is.
 *
 * @param value the value, or {@code null} unless {@link Status#PRESENT}
 * @param status whether the value can be used
 * @param eventTime the event time of the row it came from, if one was found
 * @param age how old the row was at read time, if one was found
 * @since 0.1.0
 */
public record FeatureValue(@Nullable Object value, Status status, Optional<Instant> eventTime, Optional<Duration> age) {

    /** Whether a value can be used. */
    public enum Status {
        /** A value within its view's TTL. */
        PRESENT,
        /** The row was found and fresh, but this feature was null in it. */
        NULL,
        /** No row for the key has been materialized. */
        NOT_FOUND,
        /** The latest row is older than the view's TTL; its value is withheld. */
        OUTSIDE_MAX_AGE
    }
}
