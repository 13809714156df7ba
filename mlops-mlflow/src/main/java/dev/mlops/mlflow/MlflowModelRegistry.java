package dev.mlops.mlflow;

import static dev.mlops.mlflow.MlflowRest.body;
import static dev.mlops.mlflow.MlflowRest.keyValueMap;
import static dev.mlops.mlflow.MlflowRest.keyValues;
import static dev.mlops.mlflow.MlflowRest.list;
import static dev.mlops.mlflow.MlflowRest.number;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.Approval;
import dev.mlops.api.model.Lineage;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.RegisteredModel;
import dev.mlops.api.model.RegistryChange;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.Stage;
import dev.mlops.api.model.TensorSpec;
import dev.mlops.api.model.VersionPage;
import dev.mlops.api.model.VersionQuery;
import dev.mlops.api.model.VersionSpec;
import dev.mlops.api.model.VersionStatus;
import dev.mlops.core.model.BuildInfo;
import dev.mlops.core.model.RegistryEvents;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.mlflow.MlflowRest.Call;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelRegistry} on an MLflow server's Model Registry, over its REST API: registered
 * models, numbered versions (MLflow numbers them, gaplessly, also under concurrent registrations),
 * aliases — the primary addressing, as MLflow recommends since 2.9 — and stages, all visible and
 * usable from MLflow's UI and Python client.
 *
 * <ul>
 *   <li>A version's files are uploaded through the artifact proxy to
 *       {@code mlflow-artifacts:/mlops-models/<model>/<uuid>} (its {@code source}; or under an
 *       {@code s3://} {@linkplain Builder#artifactRoot root}); what MLflow has no
 *       field for is kept in version tags a Python user can read: {@code mlops.format},
 *       {@code mlops.params}, {@code mlops.metrics}, {@code mlops.signature}, {@code mlops.artifacts}
 *       (URI, SHA-256, size), {@code mlops.lineage}, {@code mlops.created_at}, {@code mlops.created_by}.
 *       A version with a tracking run id of MLflow's form links to that run ({@code run_id}).</li>
 *   <li>Every change (version created, alias set or deleted, stage changed, approval) is kept as a
 *       registered-model tag {@code mlops.change.<time>.<sequence>}, so {@link #history} and the
 *       promotion gates' approvals survive in MLflow.</li>
 *   <li>A new version is used only once MLflow says it is {@code READY}; creates are sent once, and an
 *       unanswered create is resolved by looking for the version by the request id it was tagged with.</li>
 * </ul>
 *
 * <pre>{@code
 * ModelRegistry registry = MlflowModelRegistry.builder().server(MlflowServer.fromEnvironment(System.getenv()))
 *         .events(mlops.eventBus()).build();
 * ModelVersion v = registry.createVersion(spec -> spec.model("movie-rater").artifacts(modelDir).metric("rmse", 0.81));
 * registry.setAlias("movie-rater", "champion", v.version(), "ana");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowModelRegistry implements ModelRegistry, AutoCloseable {
    /** The prefix of the registered-model tags that hold the history. */
    public static final String CHANGE_TAG = "mlops.change.";
    private static final Logger LOG = LoggerFactory.getLogger(MlflowModelRegistry.class);
    private static final String MLOPS = "mlops.";
    private static final int MAX_TAG_VALUE = 5_000;
    private static final int PAGE = 200;
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{32}");
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The model description file MLflow writes and reads in every model directory. */
    public static final String MLMODEL = "MLmodel";
    /**
     * The SHA-256 a version registered by another MLflow client shows, which recorded none: 64 zeros.
     * Its files are downloaded from the location its source names and checked against the sizes the
     * server lists.
     */
    public static final String UNRECORDED = "0".repeat(64);
    /** Where the files of new versions go unless {@link Builder#artifactRoot} says otherwise. */
    public static final String DEFAULT_ARTIFACT_ROOT = "mlflow-artifacts:/mlops-models";
    private static final DateTimeFormatter MLMODEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private final MlflowRest rest;
    private final MlflowArtifacts artifacts;
    private final String artifactRoot;
    private final JsonCodec json;
    private final Clock clock;
    private final @Nullable EventBus events;
    private final Duration readyTimeout;
    private final @Nullable String defaultCodeVersion;
    /** What this registry last knew of each model's aliases and latest version, so that polling announces only others' changes. */
    private final Map<String, Map<String, Integer>> knownAliases = new ConcurrentHashMap<>();
    private final Map<String, Integer> knownLatest = new ConcurrentHashMap<>();
    /** Models this registry is changing now; a poll leaves them for the next round. */
    private final Map<String, Integer> changing = new ConcurrentHashMap<>();
    private final @Nullable ScheduledExecutorService poller;
    private volatile boolean polled;
    /** Held while changes are compared and announced, so that a poll and a webhook never announce one change twice. */
    private final Object announcing = new Object();

    private MlflowModelRegistry(Builder b) {
        this.json = Checks.notNull("registry.json", b.json);
        this.rest = b.rest("registry");
        this.artifacts = b.artifacts(rest);
        this.artifactRoot = b.artifactRoot;
        this.clock = Checks.notNull("registry.clock", b.clock);
        this.events = b.events;
        this.readyTimeout = Checks.positive("registry.readyTimeout", b.readyTimeout);
        this.defaultCodeVersion = BuildInfo.gitCommit(Path.of(""));
        if (b.pollInterval != null && events != null) {
            Checks.positive("registry.pollInterval", b.pollInterval);
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mlops-mlflow-registry-poll");
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(this::pollQuietly, 0, b.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            poller = null;
        }
    }

    /**
     * Starts a registry.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RegisteredModel registerModel(String name, String description, Map<String, String> tags) {
        Name.check("model", name);
        Checks.notNull("description", description);
        Checks.notNull("tags", tags);
        Map<String, Object> model = ensureModel(name, description, tags);
        if (!description.equals(String.valueOf(model.getOrDefault("description", "")))) {
            rest.patch("registered-models/update", body("name", name, "description", description));
        }
        Map<String, String> current = keyValueMap(model.get("tags"));
        tags.forEach((k, v) -> {
            if (!v.equals(current.get(k))) {
                rest.post("registered-models/set-tag", body("name", name, "key", k, "value", v), Call.IDEMPOTENT);
            }
        });
        return model(name).orElseThrow();
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
        Name.check("model", name);
        return findModel(name).map(this::registeredModel);
    }

    @Override
    public List<RegisteredModel> models() {
        List<RegisteredModel> models = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> page = rest.get("registered-models/search", body("max_results", 1_000, "page_token", token));
            list(page.get("registered_models")).forEach(m -> models.add(registeredModel(m)));
            token = (String) page.get("next_page_token");
        } while (token != null && !token.isEmpty());
        return models.stream().sorted(Comparator.comparing(RegisteredModel::name)).toList();
    }

    @Override
    public ModelVersion createVersion(Consumer<VersionSpec> configure) {
        Checks.notNull("spec", configure);
        VersionSpec spec = new VersionSpec();
        configure.accept(spec);
        String model = Checks.notNull("version.model", spec.model());
        return changing(model, () -> create(model, spec));
    }

    private ModelVersion create(String model, VersionSpec spec) {
        Path source = Checks.notNull("version.artifacts", spec.artifacts());
        if (!Files.exists(source)) {
            throw new ValidationException("version.artifacts", "be an existing file or directory", source);
        }
        Instant now = clock.instant();
        Lineage lineage = spec.lineage(BuildInfo.sdkVersion(), BuildInfo.javaVersion(), defaultCodeVersion);
        Map<String, String> tags = new LinkedHashMap<>(spec.tags());
        tags.put("mlops.format", spec.format());
        tags.put("mlops.params", tagJson("version.params", spec.params()));
        tags.put("mlops.metrics", tagJson("version.metrics", spec.metrics()));
        if (spec.signature() != null) {
            tags.put("mlops.signature", tagJson("version.signature", spec.signature()));
        }
        tags.put("mlops.lineage", tagJson("version.lineage", lineage));
        tags.put("mlops.created_at", now.toString());
        tags.put("mlops.created_by", spec.actor());
        String requestId = UUID.randomUUID().toString();
        tags.put("mlops.request_id", requestId);
        Map<String, byte[]> extra = Files.isDirectory(source) && !Files.exists(source.resolve(MLMODEL))
                ? Map.of(MLMODEL, mlmodel(spec, requestId, now).getBytes(StandardCharsets.UTF_8)) : Map.of();
        ArtifactRef stored = artifacts.upload(artifactRoot + "/" + model + "/" + requestId, source, extra);
        tags.put("mlops.artifacts", json.writeString(stored));
        ensureModel(model, "", Map.of());
        String runId = lineage.trackingRunId().filter(id -> RUN_ID.matcher(id).matches()).orElse(null);
        Map<String, Object> created;
        try {
            created = versionJson(rest.post("model-versions/create", body("name", model, "source", stored.uri().toString(),
                    "run_id", runId, "description", spec.description(), "tags", keyValues(tags)), Call.ONCE));
        } catch (MlflowException e) {
            if (!e.retryable()) {
                throw e;
            }
            // The create may have been applied with its answer lost: find it by its request id before failing.
            created = allVersions("name = '" + model + "'").stream()
                    .filter(v -> requestId.equals(keyValueMap(v.get("tags")).get("mlops.request_id"))).findFirst()
                    .orElseThrow(() -> e);
        }
        int number = (int) number(created.get("version"));
        awaitReady(model, number);
        knownLatest.merge(model, number, Math::max);
        record(model, RegistryChange.Kind.VERSION_CREATED, Integer.toString(number), null, VersionStatus.READY.name(),
                spec.actor(), now);
        publish(EventTypes.MODEL_VERSION_CREATED, model, body("version", number, "actor", spec.actor(), "sha256",
                stored.sha256()));
        return version(model, number);
    }

    @Override
    public ModelVersion version(String model, int version) {
        Name.check("model", model);
        Checks.inRange("version", version, 1, Integer.MAX_VALUE);
        return findVersion(model, version).map(this::modelVersion).orElseThrow(() -> {
            int latest = latestNumber(model);
            return new NotFoundException("model version", model + "/" + version, latest == 0
                    ? "model '" + model + "' has no versions" : "model '" + model + "' has versions 1.." + latest);
        });
    }

    @Override
    public Optional<ModelVersion> versionByAlias(String model, String alias) {
        Name.check("model", model);
        Name.check("alias", alias);
        try {
            return Optional.of(modelVersion(versionJson(rest.get("registered-models/alias", body("name", model, "alias", alias)))));
        } catch (MlflowException e) {
            if (e.is(MlflowException.RESOURCE_DOES_NOT_EXIST)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<ModelVersion> latestVersion(String model) {
        Name.check("model", model);
        int latest = latestNumber(model);
        return latest == 0 ? Optional.empty() : Optional.of(version(model, latest));
    }

    @Override
    public List<ModelVersion> versions(String model) {
        Name.check("model", model);
        return allVersions("name = '" + model + "'").stream().map(this::modelVersion)
                .sorted(Comparator.comparingInt(ModelVersion::version)).toList();
    }

    @Override
    public ModelVersion setAlias(String model, String alias, int version, String actor) {
        return changing(Name.check("model", model), () -> pointAlias(model, alias, version, actor));
    }

    private ModelVersion pointAlias(String model, String alias, int version, String actor) {
        Name.check("alias", alias);
        Checks.text("actor", actor, 200);
        if (findVersion(model, version).isEmpty()) {
            throw new NotFoundException("model version", model + "/" + version, "cannot point alias '" + alias + "' at it");
        }
        Integer previous = versionByAlias(model, alias).map(ModelVersion::version).orElse(null);
        if (previous == null || previous != version) {
            rest.post("registered-models/alias", body("name", model, "alias", alias, "version", Integer.toString(version)),
                    Call.IDEMPOTENT);
            knownAliases.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).put(alias, version);
            record(model, RegistryChange.Kind.ALIAS_SET, alias, previous == null ? null : previous.toString(),
                    Integer.toString(version), actor, clock.instant());
            publish(EventTypes.MODEL_ALIAS_CHANGED, model, RegistryEvents.aliasChanged(alias, version, previous, actor));
        }
        return version(model, version);
    }

    @Override
    public void deleteAlias(String model, String alias, String actor) {
        changing(Name.check("model", model), () -> {
            removeAlias(model, alias, actor);
            return null;
        });
    }

    private void removeAlias(String model, String alias, String actor) {
        Name.check("alias", alias);
        Checks.text("actor", actor, 200);
        int previous = versionByAlias(model, alias).map(ModelVersion::version).orElseThrow(() -> new NotFoundException(
                "alias", model + "@" + alias, "aliases: " + model(model).map(m -> m.aliases().keySet()).orElse(Set.of())));
        rest.delete("registered-models/alias", body("name", model, "alias", alias));
        knownAliases.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).remove(alias);
        record(model, RegistryChange.Kind.ALIAS_DELETED, alias, Integer.toString(previous), null, actor, clock.instant());
        publish(EventTypes.MODEL_ALIAS_CHANGED, model, RegistryEvents.aliasChanged(alias, null, previous, actor));
    }

    @Override
    public ModelVersion transitionStage(String model, int version, Stage stage, String actor) {
        Name.check("model", model);
        Checks.notNull("stage", stage);
        Checks.text("actor", actor, 200);
        ModelVersion before = version(model, version);
        if (before.stage() != stage) {
            rest.post("model-versions/transition-stage", body("name", model, "version", Integer.toString(version),
                    "stage", mlflowStage(stage), "archive_existing_versions", false), Call.IDEMPOTENT);
            record(model, RegistryChange.Kind.STAGE_CHANGED, Integer.toString(version), before.stage().name(), stage.name(),
                    actor, clock.instant());
            publish(EventTypes.MODEL_STAGE_CHANGED, model, body("version", version, "from", before.stage().name(),
                    "to", stage.name(), "actor", actor));
        }
        return version(model, version);
    }

    @Override
    public List<RegistryChange> history(String model) {
        Name.check("model", model);
        Map<String, String> tags = findModel(model).map(m -> keyValueMap(m.get("tags"))).orElse(Map.of());
        List<RegistryChange> changes = new ArrayList<>();
        new TreeMap<>(tags).forEach((key, value) -> {
            if (key.startsWith(CHANGE_TAG)) {
                Map<?, ?> c = json.read(value, Map.class);
                changes.add(new RegistryChange(model, RegistryChange.Kind.valueOf((String) c.get("kind")),
                        (String) c.get("subject"), Optional.ofNullable((String) c.get("from")),
                        Optional.ofNullable((String) c.get("to")), (String) c.get("actor"), Instant.parse((String) c.get("at"))));
            }
        });
        return changes;
    }

    @Override
    public VersionPage search(VersionQuery query) {
        Checks.notNull("query", query);
        return query.apply(allVersions(null).stream().map(this::modelVersion).toList());
    }

    @Override
    public Approval approve(String model, int version, String approver, String comment) {
        Name.check("model", model);
        Checks.text("approver", approver, 200);
        Checks.notNull("comment", comment);
        if (comment.length() > 4_000) {
            throw new ValidationException("comment", "be at most 4000 characters long on MLflow", comment);
        }
        if (findVersion(model, version).isEmpty()) {
            throw new NotFoundException("model version", model + "/" + version, "cannot approve it");
        }
        Instant now = clock.instant();
        record(model, RegistryChange.Kind.APPROVED, Integer.toString(version), null, comment, approver, now);
        return new Approval(approver, comment, now);
    }

    @Override
    public List<Approval> approvals(String model, int version) {
        String subject = Integer.toString(version);
        return history(model).stream().filter(c -> c.kind() == RegistryChange.Kind.APPROVED && c.subject().equals(subject))
                .map(c -> new Approval(c.actor(), c.to().orElse(""), c.at())).toList();
    }

    @Override
    public void promotionRejected(PromotionDecision decision, String actor) {
        publish(EventTypes.MODEL_PROMOTION_REJECTED, decision.model(), body("version", decision.version(),
                "alias", decision.alias(), "actor", actor, "reasons", decision.reasons()));
    }

    @Override
    public List<ModelVersion> versionsTrainedOn(String sha256) {
        Checks.text("sha256", sha256, 64);
        return allVersions(null).stream().map(this::modelVersion).filter(v -> v.lineage().data().containsValue(sha256))
                .sorted(Comparator.comparing(ModelVersion::model).thenComparingInt(ModelVersion::version)).toList();
    }

    @Override
    public void downloadArtifacts(ModelVersion version, Path target) {
        Checks.notNull("version", version);
        Checks.notNull("target", target);
        if (version.artifacts().sha256().equals(UNRECORDED)) {
            artifacts.downloadListed(location(version), target);
        } else {
            artifacts.download(version.artifacts(), target);
        }
    }

    /**
     * Where the files of a version registered by another client are: its source, or for a {@code
     * runs:/<run_id>/<path>} source that path below the run's artifact location, or for a {@code
     * models:/} source what the server resolved it to.
     */
    private String location(ModelVersion version) {
        String source = version.artifacts().uri().toString();
        if (source.startsWith("runs:/")) {
            String runAndPath = source.substring("runs:/".length());
            int slash = runAndPath.indexOf('/');
            Map<String, Object> run = MlflowRest.object(rest.get("runs/get", Map.of("run_id",
                    slash < 0 ? runAndPath : runAndPath.substring(0, slash))).get("run"));
            String root = String.valueOf(MlflowRest.object(run.get("info")).get("artifact_uri"));
            return slash < 0 ? root : root + "/" + runAndPath.substring(slash + 1);
        }
        if (source.startsWith("models:/")) {
            return String.valueOf(rest.get("model-versions/get-download-uri", Map.of("name", version.model(), "version",
                    String.valueOf(version.version()))).get("artifact_uri"));
        }
        return source;
    }

    /**
     * Looks for changes made on the server by anyone else — another process, MLflow's UI or Python —
     * and announces them as this registry's own are announced: {@code dev.mlops.model.version.created}
     * for new versions and {@code dev.mlops.model.alias.changed} for aliases set, moved or deleted
     * (actor {@code mlflow}), so that endpoints bound to an alias hot-swap. Runs every poll interval
     * when one is set; the first poll only learns the current state.
     *
     * @return how many changes were announced
     */
    public int poll() {
        synchronized (announcing) {
            boolean first = !polled;
            int announced = 0;
            for (RegisteredModel m : models()) {
                announced += announceChanges(m, first);
            }
            polled = true;
            return announced;
        }
    }

    /**
     * Looks at one model now, as {@link #poll()} looks at all, and announces what others changed;
     * called when MLflow says it changed (see {@link MlflowWebhookReceiver}). Before the first poll it
     * polls, to learn the state that changes are measured from.
     *
     * @param model the model's name
     * @return how many changes were announced
     */
    public int refresh(String model) {
        Name.check("model", model);
        synchronized (announcing) {
            if (!polled) {
                poll();
            }
            return model(model).map(m -> announceChanges(m, false)).orElse(0);
        }
    }

    /** Announces the versions and alias moves of a model since it was last seen; the first look only learns them. */
    private int announceChanges(RegisteredModel m, boolean learnOnly) {
        if (changing.containsKey(m.name())) {
            return 0;       // this registry is changing it and records what it does
        }
        Integer latestBefore = knownLatest.get(m.name());
        knownLatest.merge(m.name(), m.latestVersion(), Math::max);
        Map<String, Integer> before = knownAliases.put(m.name(), new ConcurrentHashMap<>(m.aliases()));
        if (learnOnly) {
            return 0;
        }
        int announced = 0;
        for (int v = latestBefore == null ? 1 : latestBefore + 1; v <= m.latestVersion(); v++) {
            publish(EventTypes.MODEL_VERSION_CREATED, m.name(), body("version", v, "actor", "mlflow"));
            announced++;
        }
        Map<String, Integer> was = before == null ? Map.of() : before;
        Set<String> names = new TreeSet<>(was.keySet());
        names.addAll(m.aliases().keySet());
        for (String alias : names) {
            Integer previous = was.get(alias);
            Integer now = m.aliases().get(alias);
            if (!Objects.equals(previous, now)) {
                publish(EventTypes.MODEL_ALIAS_CHANGED, m.name(), RegistryEvents.aliasChanged(alias, now, previous, "mlflow"));
                announced++;
            }
        }
        return announced;
    }

    private <T> T changing(String model, Supplier<T> change) {
        changing.merge(model, 1, Integer::sum);
        try {
            return change.get();
        } finally {
            changing.computeIfPresent(model, (m, n) -> n == 1 ? null : n - 1);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Polling {} for registry changes failed: {}; trying again at the next interval", rest.server(), e.toString());
        }
    }

    /** Stops polling and closes the clients of artifact stores this registry opened. */
    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
        artifacts.close();
    }

    @Override
    public String toString() {
        return "MlflowModelRegistry[" + rest.server() + "]";
    }

    // ---- MLflow calls --------------------------------------------------------------------------------

    /** The registered model, created if missing (by this or a concurrent caller). */
    private Map<String, Object> ensureModel(String name, String description, Map<String, String> tags) {
        Optional<Map<String, Object>> found = findModel(name);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return registered(rest.post("registered-models/create", body("name", name, "description", description,
                    "tags", keyValues(tags)), Call.ONCE));
        } catch (MlflowException e) {
            if (!e.is(MlflowException.RESOURCE_ALREADY_EXISTS) && !e.retryable()) {
                throw e;
            }
            return findModel(name).orElseThrow(() -> e);
        }
    }

    private Optional<Map<String, Object>> findModel(String name) {
        try {
            return Optional.of(registered(rest.get("registered-models/get", body("name", name))));
        } catch (MlflowException e) {
            if (e.is(MlflowException.RESOURCE_DOES_NOT_EXIST)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<Map<String, Object>> findVersion(String model, int version) {
        try {
            return Optional.of(versionJson(rest.get("model-versions/get", body("name", model, "version", version))));
        } catch (MlflowException e) {
            if (e.is(MlflowException.RESOURCE_DOES_NOT_EXIST)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private List<Map<String, Object>> allVersions(@Nullable String filter) {
        List<Map<String, Object>> versions = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> page = rest.get("model-versions/search", body("filter", filter, "max_results", PAGE,
                    "page_token", token));
            versions.addAll(list(page.get("model_versions")));
            token = (String) page.get("next_page_token");
        } while (token != null && !token.isEmpty());
        return versions;
    }

    private int latestNumber(String model) {
        return findModel(model).map(m -> list(m.get("latest_versions")).stream().mapToInt(v -> (int) number(v.get("version")))
                .max().orElse(0)).orElse(0);
    }

    /** Waits until MLflow has the version {@code READY}; its own registration may copy files first. */
    private void awaitReady(String model, int version) {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        for (long pause = 10; ; pause = Math.min(pause * 2, 1_000)) {
            Map<String, Object> v = findVersion(model, version).orElseThrow(() -> new NotFoundException("model version",
                    model + "/" + version, "it disappeared while registering"));
            String status = String.valueOf(v.get("status"));
            if ("READY".equals(status)) {
                return;
            }
            if ("FAILED_REGISTRATION".equals(status) || System.nanoTime() > deadline) {
                throw new MlopsException("model version " + model + "/" + version + " is " + status + " on " + rest.server()
                        + ("FAILED_REGISTRATION".equals(status) ? ": " + v.get("status_message") : " after " + readyTimeout),
                        null, !"FAILED_REGISTRATION".equals(status));
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlopsException("interrupted while waiting for " + model + "/" + version, e, true);
            }
        }
    }

    private void record(String model, RegistryChange.Kind kind, String subject, @Nullable String from, @Nullable String to,
            String actor, Instant at) {
        String key = CHANGE_TAG + String.format(Locale.ROOT, "%013d.%012d.%04x", at.toEpochMilli(), SEQUENCE.incrementAndGet(),
                ThreadLocalRandom.current().nextInt(0x10000));
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", kind.name());
        change.put("subject", subject);
        change.put("from", from);
        change.put("to", to);
        change.put("actor", actor);
        change.put("at", at.toString());
        rest.post("registered-models/set-tag", body("name", model, "key", key, "value", json.writeString(change)), Call.IDEMPOTENT);
    }

    private void publish(String type, String model, Map<String, Object> data) {
        if (events == null) {
            return;
        }
        try {
            events.publish(Event.builder(type).source("/registry/" + model).subject(model).time(clock.instant())
                    .data("model", model).data(data).build());
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {}: {}", type, e.toString());
        }
    }

    // ---- JSON shapes -----------------------------------------------------------------------------------

    private RegisteredModel registeredModel(Map<String, Object> m) {
        Map<String, String> tags = new TreeMap<>();
        keyValueMap(m.get("tags")).forEach((k, v) -> {
            if (!k.startsWith(MLOPS)) {
                tags.put(k, v);
            }
        });
        Map<String, Integer> aliases = new TreeMap<>();
        for (Map<String, Object> a : list(m.get("aliases"))) {
            aliases.put((String) a.get("alias"), (int) number(a.get("version")));
        }
        int latest = list(m.get("latest_versions")).stream().mapToInt(v -> (int) number(v.get("version"))).max().orElse(0);
        return new RegisteredModel((String) m.get("name"), String.valueOf(m.getOrDefault("description", "")), tags,
                Instant.ofEpochMilli(number(m.get("creation_timestamp"))), latest, aliases);
    }

    private ModelVersion modelVersion(Map<String, Object> v) {
        Map<String, String> all = keyValueMap(v.get("tags"));
        Map<String, String> tags = new TreeMap<>();
        all.forEach((k, value) -> {
            if (!k.startsWith(MLOPS)) {
                tags.put(k, value);
            }
        });
        @SuppressWarnings("unchecked")
        Map<String, String> params = all.containsKey("mlops.params") ? json.read(all.get("mlops.params"), Map.class) : Map.of();
        Map<String, Double> metrics = new TreeMap<>();
        if (all.containsKey("mlops.metrics")) {
            json.read(all.get("mlops.metrics"), Map.class).forEach((k, n) -> metrics.put((String) k, ((Number) n).doubleValue()));
        }
        String status = String.valueOf(v.get("status"));
        List<String> aliases = new ArrayList<>();
        if (v.get("aliases") instanceof List<?> names) {
            names.forEach(a -> aliases.add(String.valueOf(a)));
        }
        ArtifactRef stored = all.containsKey("mlops.artifacts") ? json.read(all.get("mlops.artifacts"), ArtifactRef.class)
                : new ArtifactRef(URI.create(String.valueOf(v.get("source"))), UNRECORDED, 0, true);
        Lineage lineage = all.containsKey("mlops.lineage") ? json.read(all.get("mlops.lineage"), Lineage.class)
                : new Lineage(Optional.empty(), Optional.empty(), Optional.empty(), Optional.ofNullable((String) v.get("run_id")),
                        Map.of(), List.of(), Optional.empty(), "unknown", "unknown");
        return new ModelVersion((String) v.get("name"), (int) number(v.get("version")),
                "READY".equals(status) ? VersionStatus.READY : "FAILED_REGISTRATION".equals(status) ? VersionStatus.FAILED
                        : VersionStatus.PENDING,
                stage(String.valueOf(v.getOrDefault("current_stage", "None"))), aliases,
                String.valueOf(v.getOrDefault("description", "")), tags, params, metrics,
                Optional.ofNullable(all.get("mlops.signature")).map(s -> json.read(s, Signature.class)),
                all.getOrDefault("mlops.format", "unknown"), stored, lineage,
                all.containsKey("mlops.created_at") ? Instant.parse(all.get("mlops.created_at"))
                        : Instant.ofEpochMilli(number(v.get("creation_timestamp"))),
                all.getOrDefault("mlops.created_by", String.valueOf(v.getOrDefault("user_id", "unknown"))));
    }

    /**
     * The {@code MLmodel} file MLflow's tools read: the SDK's flavor (format, SDK and Java versions),
     * the model's id and creation time, and its signature in MLflow's tensor form.
     */
    private String mlmodel(VersionSpec spec, String requestId, Instant at) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("artifact_path: model\n");
        yaml.append("flavors:\n  mlops_java:\n");
        yaml.append("    format: ").append(quote(spec.format())).append('\n');
        yaml.append("    sdk_version: ").append(quote(BuildInfo.sdkVersion())).append('\n');
        yaml.append("    java_version: ").append(quote(BuildInfo.javaVersion())).append('\n');
        yaml.append("model_uuid: ").append(requestId.replace("-", "")).append('\n');
        yaml.append("utc_time_created: '").append(MLMODEL_TIME.format(at)).append("'\n");
        Signature signature = spec.signature();
        if (signature != null) {
            yaml.append("signature:\n");
            yaml.append("  inputs: ").append(quote(tensors(signature.inputs()))).append('\n');
            yaml.append("  outputs: ").append(quote(tensors(signature.outputs()))).append('\n');
        }
        return yaml.toString();
    }

    private String tensors(List<TensorSpec> specs) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (TensorSpec t : specs) {
            list.add(body("type", "tensor", "tensor-spec", body("dtype", t.type(), "shape", t.shape()), "name", t.name()));
        }
        return json.writeString(list);
    }

    /** A YAML single-quoted scalar. */
    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private String tagJson(String field, Object value) {
        String text = json.writeString(value);
        if (text.length() > MAX_TAG_VALUE) {
            throw new ValidationException(field, "fit in an MLflow tag (" + MAX_TAG_VALUE + " characters as JSON)",
                    text.length() + " characters");
        }
        return text;
    }

    private static String mlflowStage(Stage stage) {
        return switch (stage) {
            case NONE -> "None";
            case STAGING -> "Staging";
            case PRODUCTION -> "Production";
            case ARCHIVED -> "Archived";
        };
    }

    private static Stage stage(String mlflow) {
        return switch (mlflow.toLowerCase(Locale.ROOT)) {
            case "staging" -> Stage.STAGING;
            case "production" -> Stage.PRODUCTION;
            case "archived" -> Stage.ARCHIVED;
            default -> Stage.NONE;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> registered(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("registered_model");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> versionJson(Map<String, Object> answer) {
        return answer.containsKey("model_version") ? (Map<String, Object>) answer.get("model_version") : answer;
    }

    /** Builds an {@link MlflowModelRegistry}. */
    public static final class Builder extends MlflowClientBuilder<Builder> {
        private Duration readyTimeout = Duration.ofMinutes(5);
        private @Nullable Duration pollInterval;
        private String artifactRoot = DEFAULT_ARTIFACT_ROOT;

        private Builder() {
        }

        /**
         * Sets where the files of new versions go, each under {@code <root>/<model>/<uuid>}: through the
         * server's artifact proxy by default, or straight to S3 for a server that does not proxy
         * artifacts ({@code mlflow server --no-serve-artifacts}), read by MLflow's clients from there.
         *
         * @param root {@code mlflow-artifacts:/...} or {@code s3://bucket/prefix}; default
         *     {@value MlflowModelRegistry#DEFAULT_ARTIFACT_ROOT}
         * @return this builder
         */
        public Builder artifactRoot(String root) {
            Checks.text("registry.artifactRoot", root, 500);
            if (!root.startsWith(MlflowArtifacts.SCHEME) && !root.startsWith("s3://")) {
                throw new ValidationException("registry.artifactRoot", "start with mlflow-artifacts:/ or s3://", root);
            }
            this.artifactRoot = root.replaceFirst("/+$", "");
            return this;
        }

        /**
         * Polls the server at this interval for changes made by others and announces them on the
         * {@linkplain #events(EventBus) bus} (see {@link MlflowModelRegistry#poll()}).
         *
         * @param interval positive; without it (the default) nothing is polled
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Checks.positive("registry.pollInterval", interval);
            return this;
        }

        /**
         * Sets how long a new version may take to become {@code READY} on the server.
         *
         * @param timeout positive; 5 minutes by default
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /**
         * Creates the registry; it makes no call until used.
         *
         * @return the registry
         */
        public MlflowModelRegistry build() {
            return new MlflowModelRegistry(this);
        }
    }
}
