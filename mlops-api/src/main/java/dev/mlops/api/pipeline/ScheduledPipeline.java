package dev.mlops.api.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline on a schedule. It checks for due intervals every poll interval; {@link #tick()} checks
 * now (tests call it after moving a test clock).
 *
 * <pre>{@code
 * ScheduledPipeline nightly = mlops.pipelines().schedule(pipeline, Schedule.cron("0 2 * * *"), o -> { });
 * clock.advance(Duration.ofDays(1));
 * List<RunHandle> started = nightly.tick();
 * nightly.cancel();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ScheduledPipeline {
    /**
     * Starts a run for every due interval, oldest first, as far as the active-run limit allows.
     *
     * @return the runs started by this call
     */
    List<RunHandle> tick();

    /**
     * When the next interval that has no run yet ends, i.e. when its run becomes due.
     *
     * @return the time, or empty if the schedule never fires again
     */
    Optional<Instant> nextRunAt();

    /** Stops scheduling; runs already started go on. */
    void cancel();
}
