package dev.mlops.core.tracking;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.pipeline.StepContext;
import dev.mlops.api.tracking.MetricPoint;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.internal.StateFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
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
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The embedded {@link Tracker}: per run a {@code run.json} (name, status, times, parameters, tags,
 * artifacts; replaced atomically under a file lock, so parameters stay write-once across JVMs) and a
 * {@code metrics.jsonl} of appended points, under {@code <home>/tracking/<experiment>/runs/<id>/}.
 * Metric appends are not forced to disk one by one; a torn last line is skipped when read.
 *
 * <pre>{@code
 * try (TrackingRun run = mlops.tracker().startRun("movie-rater", "baseline")) {
 *     run.logParam("epochs", "10").logMetric("rmse", 0.84);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedTracker implements Tracker {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final ArtifactStore artifacts;
    private final JsonCodec json;
    private final Clock clock;
    private final EventBus events;
    private final StateFiles files = new StateFiles();
    private final SecureRandom random = new SecureRandom();

    /**
     * Creates a tracker.
     *
     * @param root the tracking directory, e.g. {@code <home>/tracking}
     * @param artifacts where logged artifacts go
     * @param json the codec for the files
     * @param clock the clock for timestamps
     * @param events where finished runs are announced
     */
    public EmbeddedTracker(Path root, ArtifactStore artifacts, JsonCodec json, Clock clock, EventBus events) {
        this.root = Checks.notNull("tracker.root", root).toAbsolutePath().normalize();
        this.artifacts = Checks.notNull("tracker.artifacts", artifacts);
        this.json = Checks.notNull("tracker.json", json);
        this.clock = Checks.notNull("tracker.clock", clock);
        this.events = Checks.notNull("tracker.events", events);
    }

    /** The JSON shape of {@code run.json}. */
    record RunRecord(String id, String experiment, String name, String status, String startedAt, @Nullable String endedAt,
            Map<String, String> params, Map<String, String> tags, Map<String, Map<String, Object>> artifacts) {
    }

    /** The JSON shape of a {@code metrics.jsonl} line. */
    record PointRecord(String key, double value, long step, String ts) {
    }

    @Override
    public TrackingRun startRun(String experiment, String runName) {
        Name.check("experiment", experiment);
        Checks.text("runName", runName, 250);
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        Instant now = clock.instant();
        String id = "t" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(bytes);
        return create(experiment, id, runName, Map.of(), now);
    }

    @Override
    public TrackingRun runFor(StepContext ctx) {
        Checks.notNull("ctx", ctx);
        String id = "p" + sha256(ctx.pipeline() + "/" + ctx.runId()).substring(0, 24);
        Path dir = runDir(ctx.pipeline(), id);
        return files.locked(dir, () -> {
            if (Files.isRegularFile(dir.resolve("run.json"))) {
                RunRecord r = read(ctx.pipeline(), id);
                if (!r.status().equals(RunStatus.RUNNING.name())) {
                    // A retried step or a resumed pipeline run logs on: the run is running again.
                    StateFiles.replace(dir.resolve("run.json"), json.write(new RunRecord(r.id(), r.experiment(), r.name(),
                            RunStatus.RUNNING.name(), r.startedAt(), null, r.params(), r.tags(), r.artifacts())));
                }
                return new Handle(ctx.pipeline(), id);
            }
            return create(ctx.pipeline(), id, ctx.runId(), Map.of("pipeline", ctx.pipeline(), "pipeline_run", ctx.runId()),
                    clock.instant());
        });
    }

    @Override
    public Optional<RunInfo> findRun(String runId) {
        Name.check("runId", runId);
        for (String experiment : experiments()) {
            Path dir = runDir(experiment, runId);
            if (Files.isRegularFile(dir.resolve("run.json"))) {
                return Optional.of(info(experiment, runId));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RunInfo> runs(String experiment) {
        Name.check("experiment", experiment);
        Path runs = root.resolve(experiment).resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("run.json")))
                    .map(d -> info(experiment, d.getFileName().toString()))
                    .sorted(Comparator.comparing(RunInfo::startedAt).thenComparing(RunInfo::id)).toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list runs in " + runs + ": " + e, e, true);
        }
    }

    @Override
    public List<String> experiments() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list experiments in " + root + ": " + e, e, true);
        }
    }

    private TrackingRun create(String experiment, String id, String name, Map<String, String> tags, Instant now) {
        Path dir = runDir(experiment, id);
        RunRecord record = new RunRecord(id, experiment, name, RunStatus.RUNNING.name(), now.toString(), null,
                Map.of(), new TreeMap<>(tags), Map.of());
        StateFiles.replace(dir.resolve("run.json"), json.write(record));
        return new Handle(experiment, id);
    }

    private Path runDir(String experiment, String id) {
        return root.resolve(Name.check("experiment", experiment)).resolve("runs").resolve(Name.check("runId", id));
    }

    private RunRecord read(String experiment, String id) {
        byte[] bytes = StateFiles.readIfExists(runDir(experiment, id).resolve("run.json"));
        if (bytes == null) {
            throw new NotFoundException("tracking run", experiment + "/" + id, "");
        }
        return json.read(bytes, RunRecord.class);
    }

    private RunInfo info(String experiment, String id) {
        RunRecord r = read(experiment, id);
        Map<String, List<MetricPoint>> metrics = new TreeMap<>();
        byte[] lines = StateFiles.readIfExists(runDir(experiment, id).resolve("metrics.jsonl"));
        if (lines != null) {
            for (String line : new String(lines, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    PointRecord p = json.read(line, PointRecord.class);
                    metrics.computeIfAbsent(p.key(), k -> new ArrayList<>())
                            .add(new MetricPoint(p.step(), p.value(), Instant.parse(p.ts())));
                } catch (ValidationException e) {
                    // a line torn by a crash; the points after it are intact
                }
            }
        }
        Map<String, ArtifactRef> refs = new TreeMap<>();
        r.artifacts().forEach((name, a) -> refs.put(name, new ArtifactRef(URI.create((String) a.get("uri")),
                (String) a.get("sha256"), ((Number) a.get("size")).longValue(), Boolean.TRUE.equals(a.get("directory")))));
        return new RunInfo(r.id(), r.experiment(), r.name(), RunStatus.valueOf(r.status()), Instant.parse(r.startedAt()),
                Optional.ofNullable(r.endedAt()).map(Instant::parse), r.params(), metrics, r.tags(), refs);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedTracker[" + root + "]";
    }

    /** A handle on one run; every change goes through the run's file lock. */
    private final class Handle implements TrackingRun {
        private final String experiment;
        private final String id;
        private final Path dir;
        private final Map<String, Long> lastStep = new LinkedHashMap<>();

        Handle(String experiment, String id) {
            this.experiment = experiment;
            this.id = id;
            this.dir = runDir(experiment, id);
            info().metrics().forEach((k, series) -> lastStep.put(k,
                    series.stream().mapToLong(MetricPoint::step).max().orElse(0)));
            endLineIfTorn(dir.resolve("metrics.jsonl"));
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public TrackingRun logParam(String key, String value) {
            RunChecks.param(key, value);
            update(r -> {
                String existing = r.params().get(key);
                if (existing != null && !existing.equals(value)) {
                    throw RunChecks.paramChanged(id, key, existing, value);
                }
                if (existing != null) {
                    return null;
                }
                Map<String, String> params = new TreeMap<>(r.params());
                params.put(key, value);
                return new RunRecord(r.id(), r.experiment(), r.name(), r.status(), r.startedAt(), r.endedAt(), params,
                        r.tags(), r.artifacts());
            });
            return this;
        }

        @Override
        public synchronized TrackingRun logMetric(String key, double value, long step) {
            RunChecks.metric(key, value, step);
            running();
            StateFiles.appendLine(dir.resolve("metrics.jsonl"),
                    json.writeString(new PointRecord(key, value, step, clock.instant().toString())));
            lastStep.merge(key, step, Math::max);
            return this;
        }

        @Override
        public synchronized TrackingRun logMetric(String key, double value) {
            Long last = lastStep.get(key);
            return logMetric(key, value, last == null ? 0 : last + 1);
        }

        @Override
        public TrackingRun setTag(String key, String value) {
            RunChecks.tag(key, value);
            update(r -> {
                Map<String, String> tags = new TreeMap<>(r.tags());
                tags.put(key, value);
                return new RunRecord(r.id(), r.experiment(), r.name(), r.status(), r.startedAt(), r.endedAt(), r.params(),
                        tags, r.artifacts());
            });
            return this;
        }

        @Override
        public ArtifactRef logArtifact(String name, Path path) {
            Name.check("artifact name", name);
            Checks.notNull("artifact path", path);
            ArtifactRef ref = artifacts.put(path);
            update(r -> {
                Map<String, Map<String, Object>> all = new TreeMap<>(r.artifacts());
                all.put(name, Map.of("uri", ref.uri().toString(), "sha256", ref.sha256(), "size", ref.size(),
                        "directory", ref.directory()));
                return new RunRecord(r.id(), r.experiment(), r.name(), r.status(), r.startedAt(), r.endedAt(), r.params(),
                        r.tags(), all);
            });
            return ref;
        }

        @Override
        public void end(RunStatus status) {
            Checks.notNull("status", status);
            if (status == RunStatus.RUNNING) {
                throw new ValidationException("status", "be FINISHED, FAILED or KILLED", status);
            }
            Instant now = clock.instant();
            update(r -> new RunRecord(r.id(), r.experiment(), r.name(), status.name(), r.startedAt(), now.toString(),
                    r.params(), r.tags(), r.artifacts()));
            try {
                events.publish(Event.builder(EventTypes.TRACKING_RUN_FINISHED).source("/tracking/" + experiment)
                        .subject(id).time(now).data("experiment", experiment).data("status", status.name()).build());
            } catch (RuntimeException e) {
                // the run is recorded; an overloaded bus must not fail the training that logged it
            }
        }

        @Override
        public RunInfo info() {
            return EmbeddedTracker.this.info(experiment, id);
        }

        @Override
        public void close() {
            if (read(experiment, id).status().equals(RunStatus.RUNNING.name())) {
                end(RunStatus.FINISHED);
            }
        }

        private void endLineIfTorn(Path metrics) {
            byte[] bytes = StateFiles.readIfExists(metrics);
            if (bytes != null && bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                StateFiles.appendLine(metrics, "");
            }
        }

        private void running() {
            RunRecord r = read(experiment, id);
            if (!r.status().equals(RunStatus.RUNNING.name())) {
                throw RunChecks.ended(id, r.status());
            }
        }

        private void update(Function<RunRecord, RunRecord> change) {
            files.locked(dir, () -> {
                RunRecord current = read(experiment, id);
                if (!current.status().equals(RunStatus.RUNNING.name())) {
                    throw RunChecks.ended(id, current.status());
                }
                RunRecord next = change.apply(current);
                if (next != null) {
                    StateFiles.replace(dir.resolve("run.json"), json.write(next));
                }
                return null;
            });
        }
    }
}
