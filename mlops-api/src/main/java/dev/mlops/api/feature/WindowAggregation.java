package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Aggregations of raw events over time windows that become the fields of a feature view: a count,
 * sum, mean, minimum or maximum per entity key over tumbling windows ({@code slide == size}) or
 * sliding ones (a window of {@code size} every {@code slide}). Windows are aligned to the epoch:
 * they cover {@code [k × slide, k × slide + size)}. A window's row carries its end as event time,
 * so a point-in-time read at {@code t} sees the last window that closed at or before {@code t}.
 * Windows without events produce no row.
 *
 * <p>Each aggregate names the view field it fills. The field's type says how input is read:
 * {@code count} fills a {@code LONG}, {@code mean} a {@code DOUBLE}, and {@code sum}, {@code min}
 * and {@code max} a {@code LONG} (whole numbers only) or a {@code DOUBLE}. Null inputs are skipped
 * as SQL does; an aggregate whose inputs in a window are all null is null.
 *
 * <pre>{@code
 * WindowAggregation lastHour = WindowAggregation.sliding(Duration.ofHours(1), Duration.ofMinutes(5))
 *         .count("ratings_1h")
 *         .mean("avg_rating_1h", "rating")
 *         .max("max_rating_1h", "rating")
 *         .build();
 * }</pre>
 *
 * @param size the window length, whole milliseconds
 * @param slide how often a window starts; equal to {@code size} for tumbling windows, else a divisor of it
 * @param aggregates the aggregates, one per view field
 * @since 0.1.0
 */
public record WindowAggregation(Duration size, Duration slide, List<Aggregate> aggregates) {
    /** The most windows one event may fall into ({@code size / slide}). */
    public static final int MAX_WINDOWS_PER_EVENT = 1_000;

    /** The aggregate functions. */
    public enum Function {
        /** The number of events, nulls included. */
        COUNT,
        /** The sum of non-null inputs. */
        SUM,
        /** The mean of non-null inputs. */
        MEAN,
        /** The smallest non-null input. */
        MIN,
        /** The largest non-null input. */
        MAX
    }

    /**
     * One aggregate.
     *
     * @param field the view field it fills
     * @param function the function
     * @param column the input column; empty for {@code COUNT}
     */
    public record Aggregate(String field, Function function, String column) {
        /**
         * Checks the aggregate.
         *
         * @param field the field
         * @param function the function
         * @param column the column
         */
        public Aggregate {
            Name.check("aggregate field", field);
            Checks.notNull("aggregate " + field + " function", function);
            Checks.notNull("aggregate " + field + " column", column);
            if (function != Function.COUNT) {
                Name.check("aggregate " + field + " column", column);
            } else if (!column.isEmpty()) {
                throw new ValidationException("aggregate " + field + " column", "be empty for COUNT", column);
            }
        }
    }

    /**
     * Checks the aggregation.
     *
     * @param size the size
     * @param slide the slide
     * @param aggregates the aggregates
     */
    public WindowAggregation {
        millis("window size", size);
        millis("window slide", slide);
        if (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0) {
            throw new ValidationException("window slide", "divide the window size " + size, slide);
        }
        if (size.toMillis() / slide.toMillis() > MAX_WINDOWS_PER_EVENT) {
            throw new ValidationException("window slide", "be at least 1/" + MAX_WINDOWS_PER_EVENT + " of the size " + size, slide);
        }
        aggregates = List.copyOf(Checks.notNull("aggregates", aggregates));
        if (aggregates.isEmpty()) {
            throw new ValidationException("aggregates", "name at least one aggregate", "none");
        }
        List<String> seen = new ArrayList<>();
        for (Aggregate a : aggregates) {
            if (seen.contains(a.field())) {
                throw new ConflictException("window aggregation fills field '" + a.field() + "' twice");
            }
            seen.add(a.field());
        }
    }

    /**
     * Starts tumbling windows: back to back, each event in exactly one.
     *
     * @param size the window length, positive whole milliseconds
     * @return a builder
     */
    public static Builder tumbling(Duration size) {
        return new Builder(size, size);
    }

    /**
     * Starts sliding (hopping) windows: a window of {@code size} starts every {@code slide}.
     *
     * @param size the window length
     * @param slide a divisor of the size, at least {@code size / 1000}
     * @return a builder
     */
    public static Builder sliding(Duration size, Duration slide) {
        return new Builder(size, slide);
    }

    /**
     * Tells whether windows do not overlap.
     *
     * @return {@code true} when the slide equals the size
     */
    public boolean tumbling() {
        return size.equals(slide);
    }

    /**
     * The start of the earliest window that holds an event time.
     *
     * @param eventTime the event time
     * @return the start, a multiple of the slide
     */
    public long firstStart(Instant eventTime) {
        return lastStart(eventTime) - size.toMillis() + slide.toMillis();
    }

    /**
     * The start of the latest window that holds an event time.
     *
     * @param eventTime the event time
     * @return the start, a multiple of the slide
     */
    public long lastStart(Instant eventTime) {
        return Math.floorDiv(eventTime.toEpochMilli(), slide.toMillis()) * slide.toMillis();
    }

    private static void millis(String field, Duration d) {
        Checks.positive(field, d);
        if (d.toNanos() % 1_000_000 != 0 || d.compareTo(Duration.ofDays(3660)) > 0) {
            throw new ValidationException(field, "be whole milliseconds, at most 3660 days", d);
        }
    }

    /**
     * Builds a {@link WindowAggregation}; the record's constructor checks everything.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Duration size;
        private final Duration slide;
        private final List<Aggregate> aggregates = new ArrayList<>();

        private Builder(Duration size, Duration slide) {
            this.size = size;
            this.slide = slide;
        }

        /**
         * Counts events.
         *
         * @param field a {@code LONG} view field
         * @return this builder
         */
        public Builder count(String field) {
            aggregates.add(new Aggregate(field, Function.COUNT, ""));
            return this;
        }

        /**
         * Sums a column.
         *
         * @param field a {@code LONG} or {@code DOUBLE} view field
         * @param column the input column
         * @return this builder
         */
        public Builder sum(String field, String column) {
            aggregates.add(new Aggregate(field, Function.SUM, column));
            return this;
        }

        /**
         * Averages a column.
         *
         * @param field a {@code DOUBLE} view field
         * @param column the input column
         * @return this builder
         */
        public Builder mean(String field, String column) {
            aggregates.add(new Aggregate(field, Function.MEAN, column));
            return this;
        }

        /**
         * The smallest value of a column.
         *
         * @param field a {@code LONG} or {@code DOUBLE} view field
         * @param column the input column
         * @return this builder
         */
        public Builder min(String field, String column) {
            aggregates.add(new Aggregate(field, Function.MIN, column));
            return this;
        }

        /**
         * The largest value of a column.
         *
         * @param field a {@code LONG} or {@code DOUBLE} view field
         * @param column the input column
         * @return this builder
         */
        public Builder max(String field, String column) {
            aggregates.add(new Aggregate(field, Function.MAX, column));
            return this;
        }

        /**
         * Creates the aggregation.
         *
         * @return the aggregation
         * @throws ValidationException if the windows or an aggregate are invalid
         */
        public WindowAggregation build() {
            return new WindowAggregation(size, slide, aggregates);
        }
    }
}
