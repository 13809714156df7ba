package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.time.Instant;

/**
 * The slice of time a run processes, {@code [start, end)}, as in Airflow: a daily schedule's run
 * for 2026-01-01 has the interval 2026-01-01T00:00 to 2026-01-02T00:00 and starts after it ends.
 *
 * <pre>{@code
 * DataInterval day = DataInterval.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"));
 * }</pre>
 *
 * @param start the first instant included
 * @param end the first instant not included
 * @since 0.1.0
 */
public record DataInterval(Instant start, Instant end) {
    /**
     * Checks the interval.
     *
     * @param start the first instant included
     * @param end the first instant not included
     * @throws ValidationException if either is null or {@code end} is before {@code start}
     */
    public DataInterval {
        Checks.notNull("dataInterval.start", start);
        Checks.notNull("dataInterval.end", end);
        if (end.isBefore(start)) {
            throw new ValidationException("dataInterval.end", "not be before start " + start, end);
        }
    }

    /**
     * Returns an interval.
     *
     * @param start the first instant included
     * @param end the first instant not included
     * @return the interval
     */
    public static DataInterval of(Instant start, Instant end) {
        return new DataInterval(start, end);
    }
}
