package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a pipeline runs on its own: on a cron expression or at a fixed interval. As in Airflow, each
 * scheduled run covers a data interval and starts once that interval has ended: a daily schedule's
 * run for 2026-01-01 covers [2026-01-01, 2026-01-02) and starts just after midnight on the 2nd.
 *
 * <pre>{@code
 * Schedule nightly = Schedule.cron("0 2 * * *", ZoneId.of("Europe/Paris"));
 * Schedule hourly  = Schedule.every(Duration.ofHours(1));
 * ScheduledPipeline s = mlops.pipelines().schedule(pipeline, nightly, o -> o.start(jan1).maxActiveRuns(2));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Schedule {
    private final @Nullable CronExpression cron;
    private final @Nullable Duration interval;

    private Schedule(@Nullable CronExpression cron, @Nullable Duration interval) {
        this.cron = cron;
        this.interval = interval;
    }

    /**
     * A cron schedule in a time zone.
     *
     * @param expression five cron fields, see {@link CronExpression}
     * @param zone the zone the fields are read in
     * @return the schedule
     */
    public static Schedule cron(String expression, ZoneId zone) {
        return new Schedule(CronExpression.parse(expression, zone), null);
    }

    /**
     * A cron schedule in UTC.
     *
     * @param expression five cron fields
     * @return the schedule
     */
    public static Schedule cron(String expression) {
        return cron(expression, ZoneOffset.UTC);
    }

    /**
     * Back-to-back intervals of a fixed length, the first starting at the schedule's start.
     *
     * @param interval at least one second
     * @return the schedule
     */
    public static Schedule every(Duration interval) {
        Checks.positive("schedule.interval", interval);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ValidationException("schedule.interval", "be at least one second", interval);
        }
        return new Schedule(null, interval);
    }

    /**
     * The start of the first data interval at or after an instant.
     *
     * @param start the earliest start
     * @return the first interval start, or empty if a cron expression never fires
     */
    public Optional<Instant> firstIntervalStart(Instant start) {
        return cron == null ? Optional.of(start) : cron.nextAfter(start.minusNanos(1));
    }

    /**
     * The end of the data interval that starts at an instant (and the start of the next one).
     *
     * @param intervalStart the start of an interval
     * @return its end, or empty if a cron expression never fires again
     */
    public Optional<Instant> intervalEnd(Instant intervalStart) {
        return cron == null ? Optional.of(intervalStart.plus(interval)) : cron.nextAfter(intervalStart);
    }

    @Override
    public String toString() {
        return cron != null ? "cron " + cron : "every " + interval;
    }
}
