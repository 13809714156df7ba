package dev.mlops.core.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.RunQuery;
import dev.mlops.api.pipeline.RunRequest;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Schedule;
import dev.mlops.api.pipeline.ScheduleOptions;
import dev.mlops.api.pipeline.ScheduledPipeline;
import dev.mlops.api.pipeline.Pipelines;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.pipeline.internal.Gate;
import dev.mlops.core.pipeline.internal.Journal;
import dev.mlops.core.pipeline.internal.JournalEntries;
import dev.mlops.core.pipeline.internal.ParamValues;
import dev.mlops.core.pipeline.internal.PipelineSchedule;
import dev.mlops.core.pipeline.internal.RunEnvironment;
import dev.mlops.core.pipeline.internal.RunExecution;
import dev.mlops.core.pipeline.internal.StepOutputs;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Pipelines}: runs steps on a fixed pool of threads as soon as their inputs are
 * ready, journals durable runs under {@code <home>/pipelines/<pipeline>/runs/<runId>/journal.bin}
 * (one forced append per step outcome), keeps cacheable outputs under
 * {@code <home>/pipelines/<pipeline>/cache/}, and reads the run history back from the journals.
 * Schedules keep their progress in {@code <home>/pipelines/<pipeline>/schedule.json}. The platform
 * creates it; its thread count is the platform property {@code pipeline.threads}.
 *
 * <pre>{@code
 * try (MlopsPlatform mlops = MlopsPlatform.builder().home(home).property("pipeline.threads", "8").build()) {
 *     PipelineRun run = mlops.pipelines().run(pipeline);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedPipelines implements Pipelines, AutoCloseable {
    /** The default number of step threads. */
    public static final int DEFAULT_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPipelines.class);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final String JOURNAL = "journal.bin";

    private final Platform platform;
    private final JsonCodec json;
    private final RunEnvironment env;
    private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
    private final Map<String, PipelineSchedule> schedules = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * Creates the runner of a platform.
     *
     * @param platform the platform whose home, clock and event bus runs use
     * @param json the JSON codec for journals and outputs
     * @param meters where step and run metrics go
     * @param threads the number of step threads, between 1 and 1,024
     */
    public EmbeddedPipelines(Platform platform, JsonCodec json, MeterRegistry meters, int threads) {
        this.platform = Checks.notNull("platform", platform);
        this.json = Checks.notNull("json", json);
        Checks.inRange("pipeline.threads", threads, 1, 1024);
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemon("mlops-pipeline-" + platform.name()));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                daemon("mlops-pipeline-timer-" + platform.name()));
        this.env = new RunEnvironment(platform, json, new StepOutputs(json, EmbeddedPipelines.class.getClassLoader()),
                executor, scheduler, new ConcurrentHashMap<>(), meters, platform.home().resolve("pipelines"),
                this::publish, run -> active.remove(key(run.pipelineName(), run.runId())), new ConcurrentHashMap<>());
        Gauge.builder(MetricNames.PIPELINE_RUNS_ACTIVE, active, Map::size).register(meters);
    }

    @Override
    public RunHandle start(Pipeline pipeline, Consumer<RunRequest> configure) {
        Checks.notNull("pipeline", pipeline);
        Checks.notNull("request", configure);
        RunRequest request = new RunRequest();
        configure.accept(request);
        Map<String, Object> params = resolveParams(pipeline, request.params());
        declarePools(pipeline);
        Instant now = platform.clock().instant();
        String runId = request.runId() != null ? request.runId() : newRunId(now);
        DataInterval interval = request.dataInterval() != null ? request.dataInterval() : DataInterval.of(now, now);
        Path dir = env.runDir(pipeline.name(), runId);
        synchronized (active) {
            if (active.containsKey(key(pipeline.name(), runId)) || Files.exists(dir)) {
                throw new ConflictException("run '" + runId + "' of pipeline '" + pipeline.name() + "' already exists");
            }
            Journal journal = null;
            RunExecution run;
            try {
                if (request.durable()) {
                    journal = Journal.create(dir.resolve(JOURNAL), json);
                    journal.append(runHeader(pipeline, runId, params, interval, now), new byte[0]);
                }
                run = new RunExecution(env, pipeline, runId, params, interval, now, journal, request.listener(), Map.of());
            } catch (RuntimeException e) {
                if (journal != null) {
                    journal.close();
                }
                throw e;
            }
            active.put(key(pipeline.name(), runId), run);
            LOG.info("[{}/{}] run started", pipeline.name(), runId);
            run.start(false);
            return run;
        }
    }

    @Override
    public RunHandle resume(Pipeline pipeline, String runId) {
        Checks.notNull("pipeline", pipeline);
        Name.check("runId", runId);
        Path file = env.runDir(pipeline.name(), runId).resolve(JOURNAL);
        synchronized (active) {
            if (active.containsKey(key(pipeline.name(), runId))) {
                throw new ConflictException("run '" + runId + "' of pipeline '" + pipeline.name() + "' is running");
            }
            if (!Files.isRegularFile(file)) {
                throw new NotFoundException("run", pipeline.name() + "/" + runId, "no journal at " + file);
            }
            Journal.Contents contents = Journal.read(file, json);
            PipelineRun previous = JournalEntries.toRun(contents.entries(), file.toString());
            if (previous.state() == RunState.SUCCEEDED) {
                throw new ConflictException("run '" + runId + "' of pipeline '" + pipeline.name()
                        + "' already succeeded; start a new run instead");
            }
            if (contents.tornTail()) {
                LOG.warn("[{}/{}] journal ends in a torn record; resuming from the last intact one", pipeline.name(), runId);
            }
            Journal.Entry runRecord = JournalEntries.runRecord(contents.entries(), file.toString());
            Map<String, Object> params = journaledParams(pipeline, runRecord);
            declarePools(pipeline);
            Journal journal = Journal.openForAppend(file, contents.intactLength(), json);
            RunExecution run;
            try {
                run = new RunExecution(env, pipeline, runId, params, previous.dataInterval(), previous.startedAt(),
                        journal, null, JournalEntries.lastStepRecords(contents.entries()));
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("t", "resumed");
                header.put("at", platform.clock().instant().toString());
                journal.append(header, new byte[0]);
            } catch (RuntimeException e) {
                journal.close();
                throw e;
            }
            active.put(key(pipeline.name(), runId), run);
            LOG.info("[{}/{}] run resumed", pipeline.name(), runId);
            run.start(true);
            return run;
        }
    }

    @Override
    public ScheduledPipeline schedule(Pipeline pipeline, Schedule schedule, Consumer<ScheduleOptions> configure) {
        Checks.notNull("pipeline", pipeline);
        Checks.notNull("schedule", schedule);
        Checks.notNull("options", configure);
        ScheduleOptions options = new ScheduleOptions();
        configure.accept(options);
        resolveParams(pipeline, options.params());
        synchronized (schedules) {
            if (schedules.containsKey(pipeline.name())) {
                throw new ConflictException("pipeline '" + pipeline.name() + "' is already scheduled; cancel that first");
            }
            PipelineSchedule scheduled = new PipelineSchedule(this, pipeline, schedule, options, platform.clock(), json,
                    env.pipelineDir(pipeline.name()).resolve("schedule.json"), env.scheduler(),
                    s -> schedules.remove(s.pipelineName()));
            scheduled.begin();
            schedules.put(pipeline.name(), scheduled);
            LOG.info("[{}] scheduled {}", pipeline.name(), schedule);
            return scheduled;
        }
    }

    @Override
    public List<PipelineRun> runs(RunQuery query) {
        Checks.notNull("query", query);
        Path runsDir = env.pipelineDir(query.pipeline()).resolve("runs");
        if (!Files.isDirectory(runsDir)) {
            return List.of();
        }
        List<PipelineRun> runs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runsDir)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                load(query.pipeline(), dir.getFileName().toString()).filter(query::matches).ifPresent(runs::add);
            }
        } catch (IOException e) {
            throw new MlopsException("cannot list runs in " + runsDir + ": " + e, e, true);
        }
        runs.sort(Comparator.comparing(PipelineRun::startedAt).reversed());
        return runs.size() > query.limit() ? List.copyOf(runs.subList(0, query.limit())) : runs;
    }

    @Override
    public Optional<PipelineRun> find(String pipeline, String runId) {
        Name.check("pipeline", pipeline);
        Name.check("runId", runId);
        return load(pipeline, runId);
    }

    /** Cancels the runs in progress (they stay resumable) and stops the threads. */
    @Override
    public void close() {
        new ArrayList<>(schedules.values()).forEach(PipelineSchedule::cancel);
        new ArrayList<>(active.values()).forEach(RunExecution::cancel);
        env.scheduler().shutdownNow();
        env.executor().shutdown();
        try {
            if (!env.executor().awaitTermination(10, TimeUnit.SECONDS)) {
                env.executor().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            env.executor().shutdownNow();
        }
    }

    private Optional<PipelineRun> load(String pipeline, String runId) {
        RunExecution live = active.get(key(pipeline, runId));
        if (live != null) {
            PipelineRun snapshot = live.snapshot();
            return Optional.of(new PipelineRun(snapshot.runId(), snapshot.pipeline(), snapshot.state(),
                    snapshot.params(), snapshot.dataInterval(), snapshot.startedAt(), snapshot.endedAt().orElse(null),
                    snapshot.steps(), Map.of()));
        }
        Path file = env.runDir(pipeline, runId).resolve(JOURNAL);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JournalEntries.toRun(Journal.read(file, json).entries(), file.toString()));
        } catch (RuntimeException e) {
            LOG.warn("Skipping unreadable run journal {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static Map<String, Object> resolveParams(Pipeline pipeline, Map<String, Object> given) {
        for (String name : given.keySet()) {
            if (pipeline.params().stream().noneMatch(p -> p.name().equals(name))) {
                throw new ValidationException("param." + name, "be declared by pipeline '" + pipeline.name()
                        + "' (declared: " + pipeline.params().stream().map(Param::name).toList() + ")", name);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param<?> param : pipeline.params()) {
            values.put(param.name(), param.resolve(given.get(param.name())));
        }
        return values;
    }

    private static Map<String, Object> journaledParams(Pipeline pipeline, Journal.Entry runRecord) {
        Map<?, ?> stored = (Map<?, ?>) runRecord.header().getOrDefault("params", Map.of());
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param<?> param : pipeline.params()) {
            values.put(param.name(), ParamValues.fromJson(param, stored.get(param.name())));
        }
        return values;
    }

    private void declarePools(Pipeline pipeline) {
        pipeline.pools().forEach((name, size) -> {
            Gate gate = env.pools().computeIfAbsent(name, n -> new Gate(size));
            if (gate.size() != size) {
                throw new ConflictException("pool '" + name + "' has size " + gate.size() + " in this runner; pipeline '"
                        + pipeline.name() + "' declares it with size " + size);
            }
        });
    }

    private Map<String, Object> runHeader(Pipeline pipeline, String runId, Map<String, Object> params,
            DataInterval interval, Instant now) {
        Map<String, Object> stored = new LinkedHashMap<>();
        params.forEach((k, v) -> stored.put(k, ParamValues.toJson(v)));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("t", "run");
        header.put("pipeline", pipeline.name());
        header.put("runId", runId);
        header.put("startedAt", now.toString());
        header.put("start", interval.start().toString());
        header.put("end", interval.end().toString());
        header.put("params", stored);
        header.put("steps", pipeline.steps().stream().map(s -> s.name()).toList());
        return header;
    }

    private String newRunId(Instant now) {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return "r" + RUN_TIME.format(now) + "-" + HexFormat.of().formatHex(bytes);
    }

    private void publish(Event event) {
        try {
            platform.eventBus().publish(event);
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {}: {}", event.type(), e.toString());
        }
    }

    private static String key(String pipeline, String runId) {
        return pipeline + "/" + runId;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
