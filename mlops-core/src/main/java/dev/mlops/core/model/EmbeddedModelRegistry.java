package dev.mlops.core.model;

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
import dev.mlops.api.model.Approval;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.model.RegisteredModel;
import dev.mlops.api.model.RegistryChange;
import dev.mlops.api.model.Stage;
import dev.mlops.api.model.VersionPage;
import dev.mlops.api.model.VersionQuery;
import dev.mlops.api.model.VersionSpec;
import dev.mlops.core.platform.internal.StateFiles;
import dev.mlops.core.model.internal.Records.ChangeRecord;
import dev.mlops.core.model.internal.Records.ModelRecord;
import dev.mlops.core.model.internal.Records.VersionRecord;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link ModelRegistry}: one directory per model under {@code <home>/registry/}, plain
 * JSON files a person can read —
 * {@code model.json}, {@code versions/<n>.json}, {@code aliases.json} and the audit trail
 * {@code history.jsonl} — each replaced atomically (temporary file, forced, renamed). A per-model
 * file lock makes several JVMs sharing one home safe: version numbers stay unique and gapless, and a
 * JVM killed while registering leaves no half-visible version. Artifacts go to an
 * {@link ArtifactStore} before the version becomes visible. Alias lookups are served from memory and
 * re-checked against the file at most once a second. Each mutating operation is counted in
 * {@code mlops.registry.operations} by operation and outcome.
 *
 * <pre>{@code
 * ModelVersion v = mlops.registry().createVersion(s -> s.model("movie-rater").artifacts(dir).metric("rmse", 0.81));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedModelRegistry implements ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedModelRegistry.class);
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path root;
    private final ArtifactStore artifacts;
    private final JsonCodec json;
    private final Clock clock;
    private final EventBus events;
    private final StateFiles files = new StateFiles();
    private final @Nullable String defaultCodeVersion;
    private final Map<String, AliasCache> aliasCache = new ConcurrentHashMap<>();
    private final Map<String, CachedVersion> versionCache = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Counter[][] counters = new Counter[Operation.values().length][Outcome.values().length];

    /** A mutating operation, as the {@code operation} tag of the operations counter. */
    private enum Operation {
        REGISTER_MODEL, CREATE_VERSION, SET_ALIAS, DELETE_ALIAS, TRANSITION_STAGE, APPROVE, PROMOTE
    }

    /** How an operation ended, as the {@code outcome} tag: {@code promoted} and {@code rejected} are for promotions. */
    private enum Outcome {
        OK, FAILED, PROMOTED, REJECTED
    }

    /**
     * Creates a registry that records its metrics in a private registry.
     *
     * @param root the registry directory, e.g. {@code <home>/registry}
     * @param artifacts where version artifacts are stored
     * @param json the codec for the registry files
     * @param clock the clock for timestamps
     * @param events where changes are announced
     */
    public EmbeddedModelRegistry(Path root, ArtifactStore artifacts, JsonCodec json, Clock clock, EventBus events) {
        this(root, artifacts, json, clock, events, new SimpleMeterRegistry());
    }

    /**
     * Creates a registry.
     *
     * <pre>{@code
     * new EmbeddedModelRegistry(home.resolve("registry"), artifacts, JsonCodec.create(), clock, bus, mlops.meterRegistry());
     * }</pre>
     *
     * @param root the registry directory, e.g. {@code <home>/registry}
     * @param artifacts where version artifacts are stored
     * @param json the codec for the registry files
     * @param clock the clock for timestamps
     * @param events where changes are announced
     * @param meters where the operation counts go ({@link MetricNames#REGISTRY_OPERATIONS})
     * @since 0.1.0
     */
    public EmbeddedModelRegistry(Path root, ArtifactStore artifacts, JsonCodec json, Clock clock, EventBus events,
            MeterRegistry meters) {
        this.root = Checks.notNull("registry.root", root).toAbsolutePath().normalize();
        this.artifacts = Checks.notNull("registry.artifacts", artifacts);
        this.json = Checks.notNull("registry.json", json);
        this.clock = Checks.notNull("registry.clock", clock);
        this.events = Checks.notNull("registry.events", events);
        this.meters = Checks.notNull("registry.meters", meters);
        this.defaultCodeVersion = BuildInfo.gitCommit(Path.of(""));
    }

    @Override
    public RegisteredModel registerModel(String name, String description, Map<String, String> tags) {
        return counted(Operation.REGISTER_MODEL, () -> register(name, description, tags));
    }

    private RegisteredModel register(String name, String description, Map<String, String> tags) {
        Name.check("model", name);
        Checks.notNull("model.description", description);
        Checks.notNull("model.tags", tags);
        tags.forEach((k, v) -> {
            Checks.text("model.tag key", k, 250);
            Checks.text("model.tag " + k, v, 5000);
        });
        files.locked(dir(name), () -> {
            ModelRecord existing = readModel(name);
            ModelRecord wanted = new ModelRecord(name, description, new TreeMap<>(tags),
                    existing != null ? existing.createdAt() : clock.instant().toString());
            if (!wanted.equals(existing)) {
                StateFiles.replace(dir(name).resolve("model.json"), json.write(wanted));
            }
            return null;
        });
        return model(name).orElseThrow();
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
        Name.check("model", name);
        ModelRecord record = readModel(name);
        if (record == null) {
            return Optional.empty();
        }
        return Optional.of(new RegisteredModel(name, record.description(), record.tags(),
                Instant.parse(record.createdAt()), latestNumber(name), aliases(name)));
    }

    @Override
    public List<RegisteredModel> models() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().map(this::modelIfValid)
                    .flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list models in " + root + ": " + e, e, true);
        }
    }

    @Override
    public ModelVersion createVersion(Consumer<VersionSpec> configure) {
        return counted(Operation.CREATE_VERSION, () -> create(configure));
    }

    private ModelVersion create(Consumer<VersionSpec> configure) {
        Checks.notNull("spec", configure);
        VersionSpec spec = new VersionSpec();
        configure.accept(spec);
        String model = Checks.notNull("version.model", spec.model());
        Path source = Checks.notNull("version.artifacts", spec.artifacts());
        if (!Files.exists(source)) {
            throw new ValidationException("version.artifacts", "be an existing file or directory", source);
        }
        ArtifactRef stored = artifacts.put(source);
        Instant now = clock.instant();
        VersionRecord record = files.locked(dir(model), () -> {
            if (readModel(model) == null) {
                StateFiles.replace(dir(model).resolve("model.json"),
                        json.write(new ModelRecord(model, "", Map.of(), now.toString())));
            }
            int number = latestNumber(model) + 1;
            VersionRecord created = VersionRecord.of(model, number, Stage.NONE, spec.description(), spec.tags(),
                    spec.params(), spec.metrics(), spec.signature(), spec.format(), stored,
                    spec.lineage(BuildInfo.sdkVersion(), BuildInfo.javaVersion(), defaultCodeVersion), now, spec.actor());
            StateFiles.replace(versionFile(model, number), json.write(created));
            record(model, RegistryChange.Kind.VERSION_CREATED, Integer.toString(number), null, "READY", spec.actor(), now);
            return created;
        });
        publish(EventTypes.MODEL_VERSION_CREATED, model, Map.of("version", record.version(), "actor", spec.actor(),
                "sha256", stored.sha256()));
        return record.toVersion(List.of());
    }

    @Override
    public ModelVersion version(String model, int version) {
        Name.check("model", model);
        VersionRecord record = readVersion(model, version);
        if (record == null) {
            int latest = latestNumber(model);
            throw new NotFoundException("model version", model + "/" + version, latest == 0
                    ? "model '" + model + "' has no versions" : "model '" + model + "' has versions 1.." + latest);
        }
        return withAliases(record, aliases(model));
    }

    @Override
    public Optional<ModelVersion> versionByAlias(String model, String alias) {
        Checks.notNull("alias", alias);
        Map<String, Integer> current = aliases(model);
        Integer version = current.get(alias);
        if (version == null) {
            return Optional.empty();
        }
        VersionRecord record = readVersion(model, version);
        return record == null ? Optional.empty() : Optional.of(withAliases(record, current));
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
        Map<String, Integer> current = aliases(model);
        List<ModelVersion> all = new ArrayList<>();
        int latest = latestNumber(model);
        for (int v = 1; v <= latest; v++) {
            VersionRecord record = readVersion(model, v);
            if (record != null) {
                all.add(withAliases(record, current));
            }
        }
        return all;
    }

    @Override
    public ModelVersion setAlias(String model, String alias, int version, String actor) {
        return counted(Operation.SET_ALIAS, () -> pointAlias(model, alias, version, actor));
    }

    private ModelVersion pointAlias(String model, String alias, int version, String actor) {
        Name.check("model", model);
        Name.check("alias", alias);
        Checks.text("actor", actor, 200);
        Instant now = clock.instant();
        Integer previous = files.locked(dir(model), () -> {
            if (readVersion(model, version) == null) {
                throw new NotFoundException("model version", model + "/" + version, "cannot point alias '" + alias + "' at it");
            }
            Map<String, Integer> current = new TreeMap<>(readAliases(model));
            Integer before = current.put(alias, version);
            if (before == null || before != version) {
                writeAliases(model, current);
                record(model, RegistryChange.Kind.ALIAS_SET, alias, before == null ? null : before.toString(),
                        Integer.toString(version), actor, now);
            }
            return before;
        });
        if (previous == null || previous != version) {
            publish(EventTypes.MODEL_ALIAS_CHANGED, model, RegistryEvents.aliasChanged(alias, version, previous, actor));
        }
        return version(model, version);
    }

    @Override
    public void deleteAlias(String model, String alias, String actor) {
        counted(Operation.DELETE_ALIAS, () -> {
            removeAlias(model, alias, actor);
            return null;
        });
    }

    private void removeAlias(String model, String alias, String actor) {
        Name.check("model", model);
        Name.check("alias", alias);
        Checks.text("actor", actor, 200);
        Instant now = clock.instant();
        Integer previous = files.locked(dir(model), () -> {
            Map<String, Integer> current = new TreeMap<>(readAliases(model));
            Integer before = current.remove(alias);
            if (before == null) {
                throw new NotFoundException("alias", model + "@" + alias, "aliases: " + current.keySet());
            }
            writeAliases(model, current);
            record(model, RegistryChange.Kind.ALIAS_DELETED, alias, before.toString(), null, actor, now);
            return before;
        });
        publish(EventTypes.MODEL_ALIAS_CHANGED, model, RegistryEvents.aliasChanged(alias, null, previous, actor));
    }

    @Override
    public ModelVersion transitionStage(String model, int version, Stage stage, String actor) {
        return counted(Operation.TRANSITION_STAGE, () -> moveStage(model, version, stage, actor));
    }

    private ModelVersion moveStage(String model, int version, Stage stage, String actor) {
        Name.check("model", model);
        Checks.notNull("stage", stage);
        Checks.text("actor", actor, 200);
        Instant now = clock.instant();
        String before = files.locked(dir(model), () -> {
            VersionRecord record = readVersion(model, version);
            if (record == null) {
                throw new NotFoundException("model version", model + "/" + version, "");
            }
            if (!record.stage().equals(stage.name())) {
                VersionRecord moved = record.withStage(stage);
                StateFiles.replace(versionFile(model, version), json.write(moved));
                versionCache.remove(model + "/" + version);
                record(model, RegistryChange.Kind.STAGE_CHANGED, Integer.toString(version), record.stage(), stage.name(),
                        actor, now);
            }
            return record.stage();
        });
        if (!before.equals(stage.name())) {
            publish(EventTypes.MODEL_STAGE_CHANGED, model, Map.of("version", version, "from", before, "to", stage.name(),
                    "actor", actor));
        }
        return version(model, version);
    }

    @Override
    public List<RegistryChange> history(String model) {
        Name.check("model", model);
        byte[] bytes = StateFiles.readIfExists(dir(model).resolve("history.jsonl"));
        if (bytes == null) {
            return List.of();
        }
        List<RegistryChange> changes = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            ChangeRecord c = json.read(line, ChangeRecord.class);
            changes.add(new RegistryChange(model, RegistryChange.Kind.valueOf(c.kind()), c.subject(),
                    Optional.ofNullable(c.from()), Optional.ofNullable(c.to()), c.actor(), Instant.parse(c.at())));
        }
        return changes;
    }

    @Override
    public VersionPage search(VersionQuery query) {
        Checks.notNull("query", query);
        List<ModelVersion> all = new ArrayList<>();
        for (RegisteredModel model : models()) {
            all.addAll(versions(model.name()));
        }
        return query.apply(all);
    }

    @Override
    public Approval approve(String model, int version, String approver, String comment) {
        return counted(Operation.APPROVE, () -> recordApproval(model, version, approver, comment));
    }

    private Approval recordApproval(String model, int version, String approver, String comment) {
        Name.check("model", model);
        Checks.text("approver", approver, 200);
        Checks.notNull("comment", comment);
        if (comment.length() > 5000) {
            throw new ValidationException("comment", "be at most 5000 characters long", comment);
        }
        Instant now = clock.instant();
        files.locked(dir(model), () -> {
            if (readVersion(model, version) == null) {
                throw new NotFoundException("model version", model + "/" + version, "cannot approve it");
            }
            record(model, RegistryChange.Kind.APPROVED, Integer.toString(version), null, comment, approver, now);
            return null;
        });
        return new Approval(approver, comment, now);
    }

    @Override
    public List<Approval> approvals(String model, int version) {
        String subject = Integer.toString(version);
        return history(model).stream()
                .filter(c -> c.kind() == RegistryChange.Kind.APPROVED && c.subject().equals(subject))
                .map(c -> new Approval(c.actor(), c.to().orElse(""), c.at())).toList();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Counted as operation {@code promote} with outcome {@code promoted}, {@code rejected} or {@code failed} (when
     * it throws); the alias move of a passed promotion is counted as {@code set_alias} too.
     */
    @Override
    public PromotionDecision promote(String model, int version, String alias, PromotionPolicy policy, String actor) {
        PromotionDecision decision;
        try {
            decision = ModelRegistry.super.promote(model, version, alias, policy, actor);
        } catch (RuntimeException e) {
            count(Operation.PROMOTE, Outcome.FAILED);
            throw e;
        }
        count(Operation.PROMOTE, decision.promoted() ? Outcome.PROMOTED : Outcome.REJECTED);
        return decision;
    }

    @Override
    public void promotionRejected(PromotionDecision decision, String actor) {
        publish(EventTypes.MODEL_PROMOTION_REJECTED, decision.model(), Map.of("version", decision.version(),
                "alias", decision.alias(), "actor", actor, "reasons", decision.reasons()));
    }

    @Override
    public List<ModelVersion> versionsTrainedOn(String sha256) {
        Checks.text("sha256", sha256, 64);
        List<ModelVersion> found = new ArrayList<>();
        for (RegisteredModel model : models()) {
            for (ModelVersion v : versions(model.name())) {
                if (v.lineage().data().containsValue(sha256)) {
                    found.add(v);
                }
            }
        }
        return found;
    }

    @Override
    public void downloadArtifacts(ModelVersion version, Path target) {
        Checks.notNull("version", version);
        artifacts.get(version.artifacts(), target);
    }

    // ---- metrics -----------------------------------------------------------------------------------

    /** Runs an operation and counts it {@code ok}, or {@code failed} when it throws. */
    private <T> T counted(Operation operation, Supplier<T> action) {
        T result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            count(operation, Outcome.FAILED);
            throw e;
        }
        count(operation, Outcome.OK);
        return result;
    }

    /** Counts an operation; a racing first use registers the same counter twice, harmlessly. */
    private void count(Operation operation, Outcome outcome) {
        Counter c = counters[operation.ordinal()][outcome.ordinal()];
        if (c == null) {
            c = meters.counter(MetricNames.REGISTRY_OPERATIONS, MetricNames.TAG_OPERATION,
                    operation.name().toLowerCase(Locale.ROOT), MetricNames.TAG_OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
            counters[operation.ordinal()][outcome.ordinal()] = c;
        }
        c.increment();
    }

    // ---- files -------------------------------------------------------------------------------------

    private Path dir(String model) {
        return root.resolve(Name.check("model", model));
    }

    private Path versionFile(String model, int version) {
        return dir(model).resolve("versions").resolve(version + ".json");
    }

    private Optional<RegisteredModel> modelIfValid(String name) {
        try {
            return model(name);
        } catch (ValidationException e) {
            return Optional.empty();
        }
    }

    private @Nullable ModelRecord readModel(String name) {
        byte[] bytes = StateFiles.readIfExists(dir(name).resolve("model.json"));
        return bytes == null ? null : json.read(bytes, ModelRecord.class);
    }

    private @Nullable VersionRecord readVersion(String model, int version) {
        if (version < 1) {
            throw new ValidationException("version", "be 1 or more", version);
        }
        String key = model + "/" + version;
        CachedVersion cached = versionCache.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.checkedAt < RECHECK_NANOS) {
            return cached.record;
        }
        Path file = versionFile(model, version);
        FileTime modified = modified(file);
        if (cached != null && Objects.equals(cached.modified, modified)) {
            CachedVersion refreshed = new CachedVersion(cached.record, modified, now);
            refreshed.built = cached.built;
            versionCache.put(key, refreshed);
            return cached.record;
        }
        byte[] bytes = StateFiles.readIfExists(file);
        if (bytes == null) {
            return null;
        }
        VersionRecord record = json.read(bytes, VersionRecord.class);
        versionCache.put(key, new CachedVersion(record, modified, now));
        return record;
    }

    private int latestNumber(String model) {
        Path versions = dir(model).resolve("versions");
        if (!Files.isDirectory(versions)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(versions)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.matches("[1-9][0-9]*\\.json"))
                    .mapToInt(n -> Integer.parseInt(n.substring(0, n.length() - 5))).max().orElse(0);
        } catch (IOException e) {
            throw new MlopsException("cannot list " + versions + ": " + e, e, true);
        }
    }

    private Map<String, Integer> aliases(String model) {
        Name.check("model", model);
        AliasCache cache = aliasCache.get(model);
        long now = System.nanoTime();
        if (cache != null && now - cache.checkedAt < RECHECK_NANOS) {
            return cache.aliases;
        }
        Path file = dir(model).resolve("aliases.json");
        FileTime modified = modified(file);
        if (cache != null && Objects.equals(cache.modified, modified)) {
            aliasCache.put(model, new AliasCache(cache.aliases, modified, now));
            return cache.aliases;
        }
        Map<String, Integer> current = readAliases(model);
        aliasCache.put(model, new AliasCache(current, modified, now));
        return current;
    }

    private Map<String, Integer> readAliases(String model) {
        byte[] bytes = StateFiles.readIfExists(dir(model).resolve("aliases.json"));
        if (bytes == null) {
            return Map.of();
        }
        Map<String, Integer> aliases = new TreeMap<>();
        json.read(bytes, Map.class).forEach((k, v) -> aliases.put((String) k, ((Number) v).intValue()));
        return Map.copyOf(aliases);
    }

    private void writeAliases(String model, Map<String, Integer> aliases) {
        Path file = dir(model).resolve("aliases.json");
        StateFiles.replace(file, json.write(aliases));
        aliasCache.put(model, new AliasCache(Map.copyOf(aliases), modified(file), System.nanoTime()));
    }

    private static @Nullable FileTime modified(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void record(String model, RegistryChange.Kind kind, String subject, @Nullable String from, @Nullable String to,
            String actor, Instant at) {
        StateFiles.appendLine(dir(model).resolve("history.jsonl"),
                json.writeString(new ChangeRecord(kind.name(), subject, from, to, actor, at.toString())));
    }

    private ModelVersion withAliases(VersionRecord record, Map<String, Integer> aliases) {
        CachedVersion cached = versionCache.get(record.model() + "/" + record.version());
        Built last = cached == null ? null : cached.built;
        if (cached != null && cached.record == record && last != null && last.aliases == aliases) {
            return last.version;
        }
        List<String> pointing = aliases.entrySet().stream().filter(e -> e.getValue() == record.version())
                .map(Map.Entry::getKey).sorted().toList();
        ModelVersion built = record.toVersion(pointing);
        if (cached != null && cached.record == record) {
            cached.built = new Built(aliases, built);
        }
        return built;
    }

    private void publish(String type, String model, Map<String, Object> data) {
        try {
            events.publish(Event.builder(type).source("/registry/" + model).subject(model).time(clock.instant())
                    .data("model", model).data(data).build());
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {}: {}", type, e.toString());
        }
    }

    /**
     * A version file as last read, with its modification time, and the API view last built from it
     * (valid while the aliases map it was built with is the current one).
     */
    private static final class CachedVersion {
        final VersionRecord record;
        final @Nullable FileTime modified;
        final long checkedAt;
        volatile @Nullable Built built;

        CachedVersion(VersionRecord record, @Nullable FileTime modified, long checkedAt) {
            this.record = record;
            this.modified = modified;
            this.checkedAt = checkedAt;
        }
    }

    /** An API view of a version and the aliases map it was built with. */
    private record Built(Map<String, Integer> aliases, ModelVersion version) {
    }

    /** The aliases of one model as last read, with the file's modification time. */
    private record AliasCache(Map<String, Integer> aliases, @Nullable FileTime modified, long checkedAt) {
    }

    @Override
    public String toString() {
        return "EmbeddedModelRegistry[" + root + ", artifacts " + artifacts.root() + "]";
    }
}
