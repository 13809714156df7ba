package dev.mlops.core.pipeline.internal;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.Pipelines;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.RunListener;
import dev.mlops.api.pipeline.Schedule;
import dev.mlops.api.pipeline.ScheduleOptions;
import dev.mlops.api.pipeline.ScheduledPipeline;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled pipeline: a cursor (the start of the first interval without a run) kept in
 * {@code <pipeline>/schedule.json}, moved forward and saved each time a run is started.
 */
public final class PipelineSchedule implements ScheduledPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineSchedule.class);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss")
            .withZone(ZoneOffset.UTC);
    /** The most intervals one tick looks at, so a schedule far behind cannot stall the poller. */
    private static final int MAX_INTERVALS_PER_TICK = 10_000;

    private final Pipelines pipelines;
    private final Pipeline pipeline;
    private final Schedule schedule;
    private final ScheduleOptions options;
    private final Clock clock;
    private final JsonCodec json;
    private final Path stateFile;
    private final ScheduledExecutorService timer;
    private final Consumer<PipelineSchedule> onCancel;
    private final List<RunHandle> active = new ArrayList<>();
    private @Nullable Instant cursor;
    private @Nullable ScheduledFuture<?> poller;
    private boolean cancelled;

    public PipelineSchedule(Pipelines pipelines, Pipeline pipeline, Schedule schedule, ScheduleOptions options,
            Clock clock, JsonCodec json, Path stateFile, ScheduledExecutorService timer,
            Consumer<PipelineSchedule> onCancel) {
        this.pipelines = pipelines;
        this.pipeline = pipeline;
        this.schedule = schedule;
        this.options = options;
        this.clock = clock;
        this.json = json;
        this.stateFile = stateFile;
        this.timer = timer;
        this.onCancel = onCancel;
        Instant start = options.start() != null ? options.start() : clock.instant();
        Instant saved = readCursor();
        Instant first = schedule.firstIntervalStart(saved != null && saved.isAfter(start) ? saved : start).orElse(null);
        this.cursor = first;
    }

    public String pipelineName() {
        return pipeline.name();
    }

    /** Starts polling. */
    public void begin() {
        long period = options.pollInterval().toMillis();
        poller = timer.scheduleWithFixedDelay(this::pollQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized List<RunHandle> tick() {
        List<RunHandle> started = new ArrayList<>();
        if (cancelled) {
            return started;
        }
        active.removeIf(run -> run.snapshot().state().done());
        Instant now = clock.instant();
        List<DataInterval> due = dueIntervals(now);
        if (!options.catchUp() && due.size() > 1) {
            DataInterval latest = due.get(due.size() - 1);
            LOG.info("[{}] skipping {} missed intervals (catch-up is off)", pipeline.name(), due.size() - 1);
            saveCursor(latest.start());
            due = List.of(latest);
        }
        for (DataInterval interval : due) {
            if (active.size() >= options.maxActiveRuns()) {
                break;
            }
            String runId = "scheduled-" + RUN_ID.format(interval.start());
            try {
                RunHandle run = pipelines.start(pipeline, r -> {
                    r.runId(runId).dataInterval(interval).listener(new RunListener() {
                        @Override
                        public void onRunDone(PipelineRun finished) {
                            timer.execute(PipelineSchedule.this::pollQuietly);
                        }
                    });
                    options.params().forEach(r::param);
                });
                active.add(run);
                started.add(run);
            } catch (ConflictException e) {
                LOG.info("[{}] run {} already exists; moving on", pipeline.name(), runId);
            }
            saveCursor(interval.end());
        }
        return started;
    }

    @Override
    public synchronized Optional<Instant> nextRunAt() {
        return cursor == null ? Optional.empty() : schedule.intervalEnd(cursor);
    }

    @Override
    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (poller != null) {
            poller.cancel(false);
        }
        onCancel.accept(this);
    }

    private List<DataInterval> dueIntervals(Instant now) {
        List<DataInterval> due = new ArrayList<>();
        Instant start = cursor;
        while (start != null && due.size() < MAX_INTERVALS_PER_TICK) {
            Optional<Instant> end = schedule.intervalEnd(start);
            if (end.isEmpty() || end.get().isAfter(now)) {
                break;
            }
            due.add(DataInterval.of(start, end.get()));
            start = end.get();
        }
        return due;
    }

    private void pollQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("[{}] schedule tick failed: {}", pipeline.name(), e.toString());
        }
    }

    private @Nullable Instant readCursor() {
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        Map<?, ?> state = json.read(readBytes(stateFile), Map.class);
        Object next = state.get("next");
        return next == null ? null : Instant.parse(next.toString());
    }

    private void saveCursor(Instant next) {
        cursor = next;
        try {
            Files.createDirectories(stateFile.getParent());
            Path temp = Files.createTempFile(stateFile.getParent(), "schedule", ".tmp");
            Files.write(temp, json.write(Map.of("next", next.toString(), "schedule", schedule.toString())));
            try {
                Files.move(temp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, stateFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MlopsException("cannot save schedule state " + stateFile + ": " + e, e, true);
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MlopsException("cannot read schedule state " + file + ": " + e, e, true);
        }
    }
}
