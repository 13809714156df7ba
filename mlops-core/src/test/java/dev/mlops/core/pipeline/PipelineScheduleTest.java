package dev.mlops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Schedule;
import dev.mlops.api.pipeline.ScheduledPipeline;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineScheduleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;
    private final MovableClock clock = new MovableClock(T0);
    private final List<DataInterval> seen = new CopyOnWriteArrayList<>();

    /** A clock the test moves; enough for schedules in the core's own tests. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private MlopsPlatform platform() {
        return MlopsPlatform.builder().home(home).clock(clock).build();
    }

    private Pipeline pipeline() {
        var p = Pipeline.builder("hourly");
        Param<String> source = p.param("source", String.class).defaultValue("ratings");
        p.step("load", ctx -> {
            seen.add(ctx.dataInterval());
            return ctx.param(source);
        });
        return p.build();
    }

    private static void awaitAll(List<RunHandle> runs) {
        runs.forEach(r -> assertThat(r.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED));
    }

    @Test
    void backFillsMissedIntervalsOldestFirstWithinTheActiveRunLimit() {
        try (MlopsPlatform mlops = platform()) {
            ScheduledPipeline s = mlops.pipelines().schedule(pipeline(), Schedule.every(Duration.ofHours(1)),
                    o -> o.start(T0).pollInterval(Duration.ofHours(1)).maxActiveRuns(2));
            clock.advance(Duration.ofHours(3).plusMinutes(5));

            List<RunHandle> first = s.tick();
            assertThat(first).extracting(RunHandle::runId).containsExactly("scheduled-20260101t000000", "scheduled-20260101t010000");
            awaitAll(first);
            // A finished run makes the schedule look again at once; tick() starts what is still due.
            awaitAll(s.tick());
            awaitSucceeded(mlops, "scheduled-20260101t020000");
            assertThat(s.tick()).isEmpty();
            assertThat(s.nextRunAt()).contains(T0.plus(Duration.ofHours(4)));

            PipelineRun run = mlops.pipelines().find("hourly", "scheduled-20260101t010000").orElseThrow();
            assertThat(run.dataInterval()).isEqualTo(DataInterval.of(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2))));
            assertThat(run.params()).containsEntry("source", "ratings");
            assertThat(seen).hasSize(3);
            s.cancel();
            assertThat(s.tick()).isEmpty();
        }
    }

    private static void awaitSucceeded(MlopsPlatform mlops, String runId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (mlops.pipelines().find("hourly", runId).map(r -> r.state() != RunState.SUCCEEDED).orElse(true)) {
            assertThat(System.nanoTime()).as("run %s succeeded in time", runId).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void withoutCatchUpRunsOnlyTheLatestInterval() {
        try (MlopsPlatform mlops = platform()) {
            ScheduledPipeline s = mlops.pipelines().schedule(pipeline(), Schedule.cron("0 * * * *"),
                    o -> o.start(T0).catchUp(false).pollInterval(Duration.ofHours(1)));
            clock.advance(Duration.ofHours(5).plusMinutes(1));
            List<RunHandle> runs = s.tick();
            assertThat(runs).extracting(RunHandle::runId).containsExactly("scheduled-20260101t040000");
            awaitAll(runs);
        }
    }

    @Test
    void aRestartedApplicationContinuesWhereTheScheduleStopped() {
        try (MlopsPlatform mlops = platform()) {
            ScheduledPipeline s = mlops.pipelines().schedule(pipeline(), Schedule.every(Duration.ofHours(1)),
                    o -> o.start(T0).pollInterval(Duration.ofHours(1)));
            clock.advance(Duration.ofHours(1).plusMinutes(1));
            awaitAll(s.tick());
        }
        clock.advance(Duration.ofHours(1));
        try (MlopsPlatform mlops = platform()) {
            ScheduledPipeline s = mlops.pipelines().schedule(pipeline(), Schedule.every(Duration.ofHours(1)),
                    o -> o.start(T0).pollInterval(Duration.ofHours(1)));
            List<RunHandle> runs = s.tick();
            assertThat(runs).extracting(RunHandle::runId).containsExactly("scheduled-20260101t010000");
            awaitAll(runs);
        }
        assertThat(seen).extracting(DataInterval::start).containsExactly(T0, T0.plus(Duration.ofHours(1)));
    }

    @Test
    void refusesBadParametersAndDoubleSchedules() {
        try (MlopsPlatform mlops = platform()) {
            Pipeline pipeline = pipeline();
            assertThatThrownBy(() -> mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"), o -> o.param("source", 3)))
                    .isInstanceOf(ValidationException.class).hasMessage("param.source must be a String, not a Integer, was '3'");
            mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"), o -> { });
            assertThatThrownBy(() -> mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"), o -> { }))
                    .isInstanceOf(ConflictException.class).hasMessage("pipeline 'hourly' is already scheduled; cancel that first");
            assertThatThrownBy(() -> mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"), o -> o.maxActiveRuns(0)))
                    .hasMessage("schedule.maxActiveRuns must be between 1 and 100, was '0'");
            assertThatThrownBy(() -> mlops.pipelines().schedule(pipeline, Schedule.cron("0 * * * *"),
                    o -> o.pollInterval(Duration.ofNanos(500_000))))
                    .hasMessage("schedule.pollInterval must be at least 1 millisecond, was 'PT0.0005S'");
        }
    }
}
