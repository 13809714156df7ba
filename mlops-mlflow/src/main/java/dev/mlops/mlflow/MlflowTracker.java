package dev.mlops.mlflow;

import static dev.mlops.mlflow.MlflowRest.body;
import static dev.mlops.mlflow.MlflowRest.keyValueMap;
import static dev.mlops.mlflow.MlflowRest.keyValues;
import static dev.mlops.mlflow.MlflowRest.list;
import static dev.mlops.mlflow.MlflowRest.number;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
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
import dev.mlops.core.tracking.RunChecks;
import dev.mlops.mlflow.MlflowRest.Call;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tracker} on an MLflow tracking server, over its REST API: experiments and runs are
 * MLflow's own, so they show in the MLflow UI with their user, source, parameters, metric charts and
 * artifacts, and runs logged from Python appear here.
 *
 * <ul>
 *   <li>Metrics are buffered and sent with {@code runs/log-batch} (at most 1,000 points a request,
 *       MLflow's limit) when the buffer is full, when the oldest point has waited the flush interval,
 *       and before the run is read or ended. Parameters and tags are sent at once, so a
 *       parameter logged twice with another value fails where it is logged.</li>
 *   <li>Artifacts go under the run's artifact root: through the server's artifact proxy
 *       ({@code mlflow-artifacts:/...}), or straight to S3 when the server hands out {@code s3://}
 *       roots (see {@link Builder#storeProperty}); their SHA-256 and size (a directory's: of its
 *       manifest, as the embedded store computes them) are kept in the run tag
 *       {@code mlops.artifact.<name>}.</li>
 *   <li>Reads, updates and batches are retried on 5xx, 429 and timeouts; a run is created once, and an
 *       unanswered create is resolved by looking the run up by the request id it was tagged with.</li>
 * </ul>
 *
 * <pre>{@code
 * Tracker tracker = MlflowTracker.builder().server(MlflowServer.fromEnvironment(System.getenv()))
 *         .events(mlops.eventBus()).build();
 * try (TrackingRun run = tracker.startRun("movie-rater", "baseline")) {
 *     run.logParam("epochs", "10").logMetric("rmse", 0.84);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowTracker implements Tracker, AutoCloseable {
    /** The prefix of the run tags that hold artifact checksums. */
    public static final String ARTIFACT_TAG = "mlops.artifact.";
    /** The most metric points one {@code runs/log-batch} request carries (MLflow's limit). */
    public static final int MAX_METRICS_PER_BATCH = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);
    private static final int PAGE = 1_000;

    private final MlflowRest rest;
    private final MlflowArtifacts artifacts;
    private final JsonCodec json;
    private final Clock clock;
    private final @Nullable EventBus events;
    private final String user;
    private final String source;
    private final Duration flushInterval;
    private final Map<String, String> experimentIds = new ConcurrentHashMap<>();
    private final Map<String, String> experimentNames = new ConcurrentHashMap<>();

    private MlflowTracker(Builder b) {
        this.json = Checks.notNull("tracker.json", b.json);
        this.rest = b.rest("tracker");
        this.artifacts = b.artifacts(rest);
        this.clock = Checks.notNull("tracker.clock", b.clock);
        this.events = b.events;
        this.user = Checks.text("tracker.user", b.user, 250);
        this.source = Checks.text("tracker.source", b.source, 500);
        this.flushInterval = Checks.notNull("tracker.flushInterval", b.flushInterval);
    }

    /**
     * Starts a tracker.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TrackingRun startRun(String experiment, String runName) {
        Name.check("experiment", experiment);
        Checks.text("runName", runName, 250);
        return create(experiment, runName, Map.of());
    }

    @Override
    public TrackingRun runFor(StepContext ctx) {
        Checks.notNull("ctx", ctx);
        String experimentId = experimentId(ctx.pipeline(), true);
        Optional<Map<String, Object>> existing = searchRuns(experimentId, "tags.`mlops.pipeline_run` = '" + ctx.runId() + "'")
                .stream().findFirst();
        if (existing.isPresent()) {
            Map<String, Object> info = info(existing.get());
            String id = (String) info.get("run_id");
            if (!RunStatus.RUNNING.name().equals(info.get("status"))) {
                // A retried step or a resumed pipeline run logs on: the run is running again.
                rest.post("runs/update", body("run_id", id, "run_uuid", id, "status", RunStatus.RUNNING.name()), Call.IDEMPOTENT);
            }
            return new Handle(ctx.pipeline(), id, (String) info.get("artifact_uri"));
        }
        return create(ctx.pipeline(), ctx.runId(), Map.of("mlops.pipeline", ctx.pipeline(), "mlops.pipeline_run", ctx.runId()));
    }

    @Override
    public Optional<RunInfo> findRun(String runId) {
        Checks.text("runId", runId, 256);
        try {
            return Optional.of(runInfo(run(rest.get("runs/get", body("run_id", runId)))));
        } catch (MlflowException e) {
            if (e.is(MlflowException.RESOURCE_DOES_NOT_EXIST)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<RunInfo> runs(String experiment) {
        Name.check("experiment", experiment);
        String id = experimentId(experiment, false);
        if (id == null) {
            return List.of();
        }
        return searchRuns(id, null).stream().map(this::runInfo)
                .sorted(Comparator.comparing(RunInfo::startedAt).thenComparing(RunInfo::id)).toList();
    }

    @Override
    public List<String> experiments() {
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> page = rest.post("experiments/search", body("max_results", PAGE, "page_token", token,
                    "view_type", "ACTIVE_ONLY"), Call.IDEMPOTENT);
            for (Map<String, Object> e : list(page.get("experiments"))) {
                names.add((String) e.get("name"));
            }
            token = (String) page.get("next_page_token");
        } while (token != null && !token.isEmpty());
        return names.stream().sorted().toList();
    }

    /** Closes the clients of artifact stores this tracker opened; runs still open are not ended. */
    @Override
    public void close() {
        artifacts.close();
    }

    @Override
    public String toString() {
        return "MlflowTracker[" + rest.server() + "]";
    }

    private TrackingRun create(String experiment, String runName, Map<String, String> extraTags) {
        String experimentId = experimentId(experiment, true);
        String requestId = UUID.randomUUID().toString();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", runName);
        tags.put("mlflow.user", user);
        tags.put("mlflow.source.name", source);
        tags.put("mlflow.source.type", "LOCAL");
        tags.put("mlops.request_id", requestId);
        tags.putAll(extraTags);
        Map<String, Object> run;
        try {
            run = run(rest.post("runs/create", body("experiment_id", experimentId, "run_name", runName, "user_id", user,
                    "start_time", clock.millis(), "tags", keyValues(tags)), Call.ONCE));
        } catch (MlflowException e) {
            if (!e.retryable()) {
                throw e;
            }
            // The create may have been applied with its answer lost: find it by its request id before failing.
            run = searchRuns(experimentId, "tags.`mlops.request_id` = '" + requestId + "'").stream().findFirst()
                    .orElseThrow(() -> e);
        }
        Map<String, Object> info = info(run);
        return new Handle(experiment, (String) info.get("run_id"), (String) info.get("artifact_uri"));
    }

    /** The id of an experiment, created if asked and missing; {@code null} if missing and not created. */
    private @Nullable String experimentId(String name, boolean create) {
        String known = experimentIds.get(name);
        if (known != null) {
            return known;
        }
        String id = lookUp(name);
        if (id == null && create) {
            try {
                id = (String) rest.post("experiments/create", body("name", name), Call.ONCE).get("experiment_id");
            } catch (MlflowException e) {
                if (!e.is(MlflowException.RESOURCE_ALREADY_EXISTS) && !e.retryable()) {
                    throw e;
                }
                id = lookUp(name);     // made by another process meanwhile, or by the create whose answer was lost
                if (id == null) {
                    throw e;
                }
            }
        }
        if (id != null) {
            experimentIds.put(name, id);
            experimentNames.put(id, name);
        }
        return id;
    }

    private @Nullable String lookUp(String name) {
        try {
            Map<?, ?> experiment = (Map<?, ?>) rest.get("experiments/get-by-name", body("experiment_name", name)).get("experiment");
            return (String) experiment.get("experiment_id");
        } catch (MlflowException e) {
            if (e.is(MlflowException.RESOURCE_DOES_NOT_EXIST)) {
                return null;
            }
            throw e;
        }
    }

    private String experimentName(String id) {
        return experimentNames.computeIfAbsent(id, k -> {
            Map<?, ?> experiment = (Map<?, ?>) rest.get("experiments/get", body("experiment_id", k)).get("experiment");
            String name = (String) experiment.get("name");
            experimentIds.putIfAbsent(name, k);
            return name;
        });
    }

    private List<Map<String, Object>> searchRuns(String experimentId, @Nullable String filter) {
        List<Map<String, Object>> runs = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> page = rest.post("runs/search", body("experiment_ids", List.of(experimentId), "filter", filter,
                    "run_view_type", "ACTIVE_ONLY", "max_results", PAGE, "page_token", token), Call.IDEMPOTENT);
            runs.addAll(list(page.get("runs")));
            token = (String) page.get("next_page_token");
        } while (token != null && !token.isEmpty());
        return runs;
    }

    /** A run as the API returns it ({@code info} and {@code data}) as a {@link RunInfo}, with each metric's whole history. */
    private RunInfo runInfo(Map<String, Object> run) {
        Map<String, Object> info = info(run);
        Map<?, ?> data = run.get("data") instanceof Map<?, ?> d ? d : Map.of();
        String id = (String) info.get("run_id");
        Map<String, String> params = new TreeMap<>(keyValueMap(data.get("params")));
        Map<String, String> tags = new TreeMap<>();
        Map<String, ArtifactRef> artifacts = new TreeMap<>();
        keyValueMap(data.get("tags")).forEach((k, v) -> {
            if (k.startsWith(ARTIFACT_TAG)) {
                Map<?, ?> a = json.read(v, Map.class);
                artifacts.put(k.substring(ARTIFACT_TAG.length()), new ArtifactRef(URI.create((String) a.get("uri")),
                        (String) a.get("sha256"), ((Number) a.get("size")).longValue(), Boolean.TRUE.equals(a.get("directory"))));
            } else {
                tags.put(k, v);
            }
        });
        Map<String, List<MetricPoint>> metrics = new TreeMap<>();
        for (Map<String, Object> latest : list(data.get("metrics"))) {
            String key = (String) latest.get("key");
            metrics.put(key, history(id, key));
        }
        String status = String.valueOf(info.get("status"));
        long end = number(info.get("end_time"));
        return new RunInfo(id, experimentName(String.valueOf(info.get("experiment_id"))),
                String.valueOf(info.getOrDefault("run_name", tags.getOrDefault("mlflow.runName", ""))),
                "SCHEDULED".equals(status) ? RunStatus.RUNNING : RunStatus.valueOf(status),
                Instant.ofEpochMilli(number(info.get("start_time"))),
                end > 0 && !"RUNNING".equals(status) ? Optional.of(Instant.ofEpochMilli(end)) : Optional.empty(),
                params, metrics, tags, artifacts);
    }

    private List<MetricPoint> history(String runId, String key) {
        List<MetricPoint> points = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> page = rest.get("metrics/get-history", body("run_id", runId, "metric_key", key,
                    "max_results", 25_000, "page_token", token));
            for (Map<String, Object> m : list(page.get("metrics"))) {
                points.add(new MetricPoint(number(m.get("step")), ((Number) m.get("value")).doubleValue(),
                        Instant.ofEpochMilli(number(m.get("timestamp")))));
            }
            token = (String) page.get("next_page_token");
        } while (token != null && !token.isEmpty());
        points.sort(Comparator.comparingLong(MetricPoint::step).thenComparing(MetricPoint::timestamp));
        return points;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("run");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> info(Map<String, Object> run) {
        return (Map<String, Object>) run.get("info");
    }

    /** A handle on one run: metric points wait in a buffer; everything else is sent at once. */
    private final class Handle implements TrackingRun {
        private final String experiment;
        private final String id;
        private final String artifactRoot;
        private final Map<String, Long> lastStep = new HashMap<>();
        private final List<Map<String, Object>> pending = new ArrayList<>();
        private long oldestPending;
        private volatile @Nullable RunStatus ended;

        Handle(String experiment, String id, String artifactUri) {
            this.experiment = experiment;
            this.id = id;
            this.artifactRoot = artifactUri;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public TrackingRun logParam(String key, String value) {
            RunChecks.param(key, value);
            running();
            try {
                rest.post("runs/log-parameter", body("run_id", id, "run_uuid", id, "key", key, "value", value), Call.IDEMPOTENT);
            } catch (MlflowException e) {
                String existing = e.is(MlflowException.INVALID_PARAMETER_VALUE) ? findRun(id).map(r -> r.params().get(key))
                        .orElse(null) : null;
                if (existing != null && !existing.equals(value)) {
                    throw RunChecks.paramChanged(id, key, existing, value);
                }
                throw e;
            }
            return this;
        }

        @Override
        public synchronized TrackingRun logMetric(String key, double value, long step) {
            RunChecks.metric(key, value, step);
            running();
            if (pending.isEmpty()) {
                oldestPending = System.nanoTime();
            }
            pending.add(body("key", key, "value", value, "timestamp", clock.millis(), "step", step));
            lastStep.merge(key, step, Math::max);
            if (pending.size() >= MAX_METRICS_PER_BATCH || System.nanoTime() - oldestPending >= flushInterval.toNanos()) {
                flush();
            }
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
            running();
            rest.post("runs/set-tag", body("run_id", id, "run_uuid", id, "key", key, "value", value), Call.IDEMPOTENT);
            return this;
        }

        @Override
        public ArtifactRef logArtifact(String name, Path path) {
            Name.check("artifact name", name);
            Checks.notNull("artifact path", path);
            running();
            ArtifactRef ref = artifacts.upload(artifactRoot + "/" + name, path, Map.of());
            setTag(ARTIFACT_TAG + name, json.writeString(Map.of("uri", ref.uri().toString(), "sha256", ref.sha256(),
                    "size", ref.size(), "directory", ref.directory())));
            return ref;
        }

        @Override
        public synchronized void end(RunStatus status) {
            Checks.notNull("status", status);
            if (status == RunStatus.RUNNING) {
                throw new ValidationException("status", "be FINISHED, FAILED or KILLED", status);
            }
            running();
            flush();
            long now = clock.millis();
            rest.post("runs/update", body("run_id", id, "run_uuid", id, "status", status.name(), "end_time", now), Call.IDEMPOTENT);
            ended = status;
            if (events != null) {
                try {
                    events.publish(Event.builder(EventTypes.TRACKING_RUN_FINISHED).source("/tracking/" + experiment)
                            .subject(id).time(Instant.ofEpochMilli(now)).data("experiment", experiment)
                            .data("status", status.name()).build());
                } catch (RuntimeException e) {
                    LOG.warn("Could not publish the end of run {}: {}", id, e.toString());
                }
            }
        }

        @Override
        public synchronized RunInfo info() {
            flush();
            return findRun(id).orElseThrow(() -> new MlflowException("run " + id + " is gone from " + rest.server(), 404,
                    MlflowException.RESOURCE_DOES_NOT_EXIST, null, false));
        }

        @Override
        public synchronized void close() {
            if (ended == null) {
                end(RunStatus.FINISHED);
            }
        }

        /** Sends the buffered points; an identical point sent twice is one row in MLflow's store. */
        private void flush() {
            if (pending.isEmpty()) {
                return;
            }
            rest.post("runs/log-batch", body("run_id", id, "metrics", List.copyOf(pending)), Call.IDEMPOTENT);
            pending.clear();
        }

        private void running() {
            RunStatus status = ended;
            if (status != null) {
                throw RunChecks.ended(id, status);
            }
        }
    }

    /** Builds an {@link MlflowTracker}. */
    public static final class Builder extends MlflowClientBuilder<Builder> {
        private String user = System.getProperty("user.name", "unknown");
        private String source = "mlops-sdk";
        private Duration flushInterval = Duration.ofSeconds(1);

        private Builder() {
        }

        /**
         * Sets the user runs are created by ({@code mlflow.user}).
         *
         * @param user by default the {@code user.name} system property
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the source runs show in the MLflow UI ({@code mlflow.source.name}).
         *
         * @param source e.g. the application's name; {@code mlops-sdk} by default
         * @return this builder
         */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /**
         * Sets how long a metric point may wait in the buffer before it is sent.
         *
         * @param interval zero sends every point at once; 1 s by default
         * @return this builder
         */
        public Builder metricFlushInterval(Duration interval) {
            if (Checks.notNull("metricFlushInterval", interval).isNegative()) {
                throw new ValidationException("metricFlushInterval", "not be negative", interval);
            }
            this.flushInterval = interval;
            return this;
        }

        /**
         * Creates the tracker; it makes no call until used.
         *
         * @return the tracker
         */
        public MlflowTracker build() {
            return new MlflowTracker(this);
        }
    }
}
