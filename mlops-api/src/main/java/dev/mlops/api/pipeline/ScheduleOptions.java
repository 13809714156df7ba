package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a schedule starts runs, given to
 * {@link Pipelines#schedule(Pipeline, Schedule, java.util.function.Consumer)}.
 *
 * <pre>{@code
 * mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"), o -> o
 *         .start(Instant.parse("2026-01-01T00:00:00Z"))   // back-fill every hour since then
 *         .catchUp(true)
 *         .maxActiveRuns(2)
 *         .param("source", "ratings"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ScheduleOptions {
    private @Nullable Instant start;
    private boolean catchUp = true;
    private int maxActiveRuns = 1;
    private Duration pollInterval = Duration.ofSeconds(1);
    private final Map<String, Object> params = new LinkedHashMap<>();

    /** Creates the defaults; the runner passes them to the caller's configurer. */
    public ScheduleOptions() {
    }

    /**
     * Sets the start of the first data interval; by default the moment the schedule is made.
     *
     * @param start the earliest interval start
     * @return these options
     */
    public ScheduleOptions start(Instant start) {
        this.start = Checks.notNull("schedule.start", start);
        return this;
    }

    /**
     * Chooses whether intervals missed since the start (or since the schedule last ran) all get runs
     * (a back-fill, oldest first), or only the latest one does.
     *
     * @param catchUp {@code true} by default
     * @return these options
     */
    public ScheduleOptions catchUp(boolean catchUp) {
        this.catchUp = catchUp;
        return this;
    }

    /**
     * Limits how many runs of the schedule are active at once; due intervals wait their turn.
     *
     * @param max between 1 and 100; default 1
     * @return these options
     */
    public ScheduleOptions maxActiveRuns(int max) {
        this.maxActiveRuns = Checks.inRange("schedule.maxActiveRuns", max, 1, 100);
        return this;
    }

    /**
     * Sets how often the schedule checks for due intervals.
     *
     * @param interval at least 1 millisecond; default 1 second
     * @return these options
     */
    public ScheduleOptions pollInterval(Duration interval) {
        Checks.positive("schedule.pollInterval", interval);
        if (interval.toMillis() < 1) {
            throw new ValidationException("schedule.pollInterval", "be at least 1 millisecond", interval);
        }
        this.pollInterval = interval;
        return this;
    }

    /**
     * Gives every scheduled run a parameter value.
     *
     * @param name the parameter name
     * @param value the value
     * @return these options
     */
    public ScheduleOptions param(String name, Object value) {
        params.put(Checks.notNull("schedule.param name", name), value);
        return this;
    }

    /**
     * The start set.
     *
     * @return the start, or {@code null} for "now"
     */
    public @Nullable Instant start() {
        return start;
    }

    /**
     * Whether missed intervals are back-filled.
     *
     * @return the setting
     */
    public boolean catchUp() {
        return catchUp;
    }

    /**
     * The most active runs.
     *
     * @return the limit
     */
    public int maxActiveRuns() {
        return maxActiveRuns;
    }

    /**
     * How often the schedule checks.
     *
     * @return the poll interval
     */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * The parameter values of every run.
     *
     * @return values by name
     */
    public Map<String, Object> params() {
        return params;
    }
}
