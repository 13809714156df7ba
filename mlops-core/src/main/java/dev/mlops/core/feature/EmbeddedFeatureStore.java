package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import dev.mlops.api.Nullable;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeaturePlan;
import dev.mlops.api.feature.FeaturePlan.Action;
import dev.mlops.api.feature.FeaturePlan.Change;
import dev.mlops.api.feature.FeatureRef;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStatistics;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.data.CsvFiles;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded {@link FeatureStore}'s definitions: {@code entities/<name>.json},
 * {@code views/<name>/<version>.json} and {@code services/<name>.json} under {@code <home>/features},
 * each replaced atomically under one lock; read from disk on every call, so another JVM's
 * {@code apply} is visible at once.
 *
 * <pre>{@code
 * FeaturePlan plan = mlops.features().apply(FeatureDefinitions.of(user, userStats, service));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedFeatureStore implements FeatureStore, AutoCloseable {
    private final Path root;
    private final JsonCodec json;
    private final Clock clock;
    private final EventBus events;
    private final StateFiles files = new StateFiles();
    private final DuckDbOfflineStore offline = new DuckDbOfflineStore();
    private @Nullable RocksDbOnlineStore online;

    /** Rows loaded into the online store per write. */
    static final int CHUNK = 10_000;

    /** The JSON shape of a materialization checkpoint. */
    record Checkpoint(@Nullable String from, @Nullable String to, long done, @Nullable String end) {
    }

    /**
     * Creates the store.
     *
     * @param root the directory, e.g. {@code <home>/features}
     * @param json the codec for the definition files
     * @param clock the clock for event times
     * @param events where applied views are announced
     */
    public EmbeddedFeatureStore(Path root, JsonCodec json, Clock clock, EventBus events) {
        this.root = Checks.notNull("features.root", root).toAbsolutePath().normalize();
        this.json = Checks.notNull("features.json", json);
        this.clock = Checks.notNull("features.clock", clock);
        this.events = Checks.notNull("features.events", events);
    }

    @Override
    public FeaturePlan plan(FeatureDefinitions definitions) {
        Checks.notNull("definitions", definitions);
        Stored stored = load();
        check(definitions, stored);
        List<Change> changes = new ArrayList<>();
        for (Entity entity : definitions.entities()) {
            Entity old = stored.entities.get(entity.name());
            if (old == null) {
                changes.add(new Change("entity", entity.name(), Action.ADDED, false, List.of()));
            } else if (!old.equals(entity)) {
                List<String> details = new ArrayList<>();
                boolean breaking = !old.joinKeys().equals(entity.joinKeys());
                diff(details, "join keys", old.joinKeys(), entity.joinKeys());
                diff(details, "description", old.description(), entity.description());
                changes.add(new Change("entity", entity.name(), Action.CHANGED, breaking, details));
            }
        }
        for (String name : stored.entities.keySet()) {
            if (definitions.entities().stream().noneMatch(e -> e.name().equals(name))) {
                boolean used = definitions.views().stream().anyMatch(v -> v.entities().contains(name));
                changes.add(new Change("entity", name, Action.REMOVED, used, used
                        ? List.of("still used by a defined view") : List.of()));
            }
        }
        for (FeatureView view : definitions.views()) {
            FeatureView old = stored.views.get(view.versionedName());
            if (old == null) {
                changes.add(new Change("feature view", view.versionedName(), Action.ADDED, false, List.of()));
            } else if (!old.equals(view)) {
                changes.add(viewChange(old, view));
            }
        }
        for (FeatureView old : stored.views.values()) {
            if (definitions.views().stream().noneMatch(v -> v.name().equals(old.name()))) {
                boolean pinned = definitions.services().stream()
                        .anyMatch(s -> s.features().stream().anyMatch(f -> f.view().equals(old.name()) && f.version() == old.version()));
                changes.add(new Change("feature view", old.versionedName(), Action.REMOVED, pinned,
                        pinned ? List.of("still pinned by a defined service") : List.of()));
            }
        }
        for (FeatureService service : definitions.services()) {
            FeatureService old = stored.services.get(service.name());
            if (old == null) {
                changes.add(new Change("feature service", service.name(), Action.ADDED, false, List.of()));
            } else if (!old.equals(service)) {
                List<String> details = new ArrayList<>();
                List<FeatureRef> removed = old.features().stream().filter(f -> !service.features().contains(f)).toList();
                List<FeatureRef> added = service.features().stream().filter(f -> !old.features().contains(f)).toList();
                if (!removed.isEmpty()) {
                    details.add("removes " + removed);
                }
                if (!added.isEmpty()) {
                    details.add("adds " + added);
                }
                diff(details, "description", old.description(), service.description());
                changes.add(new Change("feature service", service.name(), Action.CHANGED, !removed.isEmpty(), details));
            }
        }
        for (String name : stored.services.keySet()) {
            if (definitions.services().stream().noneMatch(s -> s.name().equals(name))) {
                changes.add(new Change("feature service", name, Action.REMOVED, false, List.of()));
            }
        }
        return new FeaturePlan(changes);
    }

    @Override
    public FeaturePlan apply(FeatureDefinitions definitions) {
        Checks.notNull("definitions", definitions);
        FeaturePlan plan = files.locked(root, () -> {
            FeaturePlan planned = plan(definitions);
            if (planned.breaking()) {
                throw new ConflictException("feature definitions have breaking changes; give changed views a new"
                        + " version:\n" + planned);
            }
            for (Change change : planned.changes()) {
                write(change, definitions);
            }
            return planned;
        });
        for (Change change : plan.changes()) {
            if (change.kind().equals("feature view") && change.action() != Action.REMOVED) {
                try {
                    events.publish(Event.builder(EventTypes.FEATURE_VIEW_APPLIED).source("/features")
                            .subject(change.name()).time(clock.instant()).data("action", change.action().name())
                            .data("details", change.details()).build());
                } catch (RuntimeException e) {
                    // the definitions are applied; an overloaded bus must not undo that
                }
            }
        }
        return plan;
    }

    @Override
    public Optional<Entity> entity(String name) {
        Name.check("entity", name);
        return Optional.ofNullable(load().entities.get(name));
    }

    @Override
    public Optional<FeatureView> view(String name, int version) {
        Name.check("feature view", name);
        return Optional.ofNullable(load().views.get(name + "@" + version));
    }

    @Override
    public List<FeatureView> views() {
        return load().views.values().stream()
                .sorted(Comparator.comparing(FeatureView::name).thenComparingInt(FeatureView::version)).toList();
    }

    @Override
    public Table historicalFeatures(Table entityRows, String eventTimeColumn, FeatureService service) {
        Checks.notNull("service", service);
        Stored stored = load();
        Map<String, DuckDbOfflineStore.ViewRequest> requests = new LinkedHashMap<>();
        for (FeatureRef ref : service.features()) {
            FeatureView view = stored.views.get(ref.view() + "@" + ref.version());
            if (view == null) {
                throw new ValidationException("feature service " + service.name(), "use applied view versions", ref);
            }
            DuckDbOfflineStore.ViewRequest request = requests.get(view.versionedName());
            List<String> features = new ArrayList<>(request == null ? List.of() : request.features());
            features.add(ref.feature());
            List<String> keys = new ArrayList<>();
            for (String entity : view.entities()) {
                Entity e = stored.entities.get(entity);
                if (e == null) {
                    throw new ValidationException("feature view " + view.versionedName() + " entity", "be applied", entity);
                }
                e.joinKeys().forEach(k -> keys.add(k.name()));
            }
            requests.put(view.versionedName(), new DuckDbOfflineStore.ViewRequest(view, keys, features, pushLog(view)));
        }
        return offline.historical(entityRows, eventTimeColumn, new ArrayList<>(requests.values()));
    }

    @Override
    public Map<String, Long> materialize(Instant from, Instant to) {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        if (!from.isBefore(to)) {
            throw new ValidationException("to", "be after from " + from, to);
        }
        Stored stored = load();
        Map<String, Long> written = new LinkedHashMap<>();
        for (FeatureView view : stored.views.values()) {
            if (view.online() && view.source().path().isPresent()) {
                written.put(view.versionedName(), materialize(stored, view, from, to));
            }
        }
        return written;
    }

    @Override
    public Map<String, Long> materializeIncremental(Instant to) {
        Checks.notNull("to", to);
        Stored stored = load();
        Map<String, Long> written = new LinkedHashMap<>();
        for (FeatureView view : stored.views.values()) {
            if (view.online() && view.source().path().isPresent()) {
                Checkpoint last = checkpoint(view);
                Instant from = last != null && last.end() != null ? Instant.parse(last.end()) : Instant.EPOCH;
                written.put(view.versionedName(), from.isBefore(to) ? materialize(stored, view, from, to) : 0L);
            }
        }
        return written;
    }

    private long materialize(Stored stored, FeatureView view, Instant from, Instant to) {
        List<String> keys = joinKeys(stored, view);
        Checkpoint previous = checkpoint(view);
        long skip = previous != null && from.toString().equals(previous.from()) && to.toString().equals(previous.to())
                ? previous.done() : 0;
        String priorEnd = previous == null ? null : previous.end();
        long[] written = {0};
        RocksDbOnlineStore store = online();
        offline.latest(view, keys, from, to, skip, CHUNK, (rows, done) -> {
            List<RocksDbOnlineStore.Row> chunk = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                List<Object> keyValues = Arrays.asList(row).subList(0, keys.size());
                List<Object> values = Arrays.asList(row).subList(keys.size(), row.length - 1);
                chunk.add(new RocksDbOnlineStore.Row(List.copyOf(nullSafe(keyValues)), (Instant) row[row.length - 1],
                        new ArrayList<>(values)));
            }
            written[0] += store.write(view.versionedName(), chunk);
            saveCheckpoint(view, new Checkpoint(from.toString(), to.toString(), done, priorEnd));
        });
        String end = priorEnd == null || Instant.parse(priorEnd).isBefore(to) ? to.toString() : priorEnd;
        saveCheckpoint(view, new Checkpoint(null, null, 0, end));
        try {
            events.publish(Event.builder(EventTypes.FEATURE_MATERIALIZED).source("/features").subject(view.versionedName())
                    .time(clock.instant()).data("rows", written[0]).data("from", from.toString()).data("to", to.toString())
                    .build());
        } catch (RuntimeException e) {
            // the rows are in the online store; an overloaded bus must not fail the materialization
        }
        return written[0];
    }

    @Override
    public Map<String, Long> push(String pushSource, Table rows) {
        Name.check("push source", pushSource);
        Checks.notNull("rows", rows);
        Stored stored = load();
        List<FeatureView> views = stored.views.values().stream()
                .filter(v -> v.source().kind() == FeatureSource.Kind.PUSH && v.source().name().equals(pushSource)).toList();
        if (views.isEmpty()) {
            throw new NotFoundException("push source", pushSource, "no applied view reads it");
        }
        List<String> problems = new ArrayList<>();
        for (FeatureView view : views) {
            List<Column> needed = new ArrayList<>();
            for (String entity : view.entities()) {
                needed.addAll(stored.entities.get(entity).joinKeys());
            }
            needed.add(Column.of(view.source().timestampColumn(), ColumnType.TIMESTAMP));
            needed.addAll(view.fields());
            for (Column column : needed) {
                if (!rows.schema().has(column.name())) {
                    problems.add("missing column '" + column.name() + "' of " + view.versionedName());
                } else if (rows.schema().column(column.name()).type() != column.type()) {
                    problems.add("column '" + column.name() + "' is " + rows.schema().column(column.name()).type()
                            + ", " + view.versionedName() + " needs " + column.type());
                }
            }
            if (problems.isEmpty()) {
                for (int r = 0; r < rows.rowCount(); r++) {
                    for (int c = 0; c < needed.size() - view.fields().size(); c++) {
                        if (rows.isNull(r, rows.schema().indexOf(needed.get(c).name()))) {
                            problems.add("row " + r + " has no " + needed.get(c).name());
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("push " + pushSource, "fit every view reading it", String.join("; ", problems));
        }
        Map<String, Long> written = new LinkedHashMap<>();
        RocksDbOnlineStore store = online();
        for (FeatureView view : views) {
            List<String> keys = joinKeys(stored, view);
            Map<List<Object>, RocksDbOnlineStore.Row> latest = new LinkedHashMap<>();
            int ts = rows.schema().indexOf(view.source().timestampColumn());
            for (int r = 0; r < rows.rowCount(); r++) {
                List<Object> key = new ArrayList<>();
                for (String k : keys) {
                    key.add(rows.value(r, rows.schema().indexOf(k)));
                }
                List<Object> values = new ArrayList<>();
                for (Column f : view.fields()) {
                    values.add(rows.value(r, rows.schema().indexOf(f.name())));
                }
                RocksDbOnlineStore.Row row = new RocksDbOnlineStore.Row(key, (Instant) rows.value(r, ts), values);
                latest.merge(key, row, (a, b) -> b.eventTime().isBefore(a.eventTime()) ? a : b);
            }
            written.put(view.versionedName(), store.write(view.versionedName(), new ArrayList<>(latest.values())));
        }
        Path log = root.resolve("push").resolve(pushSource);
        CsvFiles.write(rows, log.resolve(clock.instant().toEpochMilli() + "-" + UUID.randomUUID() + ".csv"));
        return written;
    }

    private @Nullable Path pushLog(FeatureView view) {
        return view.source().kind() == FeatureSource.Kind.PUSH ? root.resolve("push").resolve(view.source().name()) : null;
    }

    @Override
    public List<FeatureVector> onlineFeatures(List<Map<String, Object>> entityKeys, FeatureService service) {
        Checks.notNull("entityKeys", entityKeys);
        Checks.notNull("service", service);
        Stored stored = load();
        Instant now = clock.instant();
        RocksDbOnlineStore store = online();
        List<FeatureVector> vectors = new ArrayList<>(entityKeys.size());
        for (Map<String, Object> key : entityKeys) {
            Map<String, FeatureValue> values = new LinkedHashMap<>();
            Map<String, Optional<RocksDbOnlineStore.Stored>> rows = new LinkedHashMap<>();
            for (FeatureRef ref : service.features()) {
                FeatureView view = stored.views.get(ref.view() + "@" + ref.version());
                if (view == null) {
                    throw new ValidationException("feature service " + service.name(), "use applied view versions", ref);
                }
                Optional<RocksDbOnlineStore.Stored> row = rows.computeIfAbsent(view.versionedName(),
                        v -> store.read(v, keyValues(stored, view, key)));
                values.put(ref.fullName(), value(view, ref.feature(), row, now));
            }
            vectors.add(new FeatureVector(key, values));
        }
        return vectors;
    }

    private static FeatureValue value(FeatureView view, String feature, Optional<RocksDbOnlineStore.Stored> row, Instant now) {
        if (row.isEmpty()) {
            return new FeatureValue(null, FeatureValue.Status.NOT_FOUND, Optional.empty(), Optional.empty());
        }
        Instant at = row.get().eventTime();
        Duration age = Duration.between(at, now);
        if (!at.isAfter(now.minus(view.ttl()))) {
            return new FeatureValue(null, FeatureValue.Status.OUTSIDE_MAX_AGE, Optional.of(at), Optional.of(age));
        }
        int index = view.fields().indexOf(view.field(feature).orElseThrow());
        Object v = index < row.get().values().size() ? row.get().values().get(index) : null;
        return new FeatureValue(v, v == null ? FeatureValue.Status.NULL : FeatureValue.Status.PRESENT, Optional.of(at),
                Optional.of(age));
    }

    private static List<Object> keyValues(Stored stored, FeatureView view, Map<String, Object> key) {
        List<Object> values = new ArrayList<>();
        for (String entity : view.entities()) {
            for (Column k : stored.entities.get(entity).joinKeys()) {
                Object v = key.get(k.name());
                if (v == null) {
                    throw new ValidationException("entity key", "have a value for join key '" + k.name() + "'", key);
                }
                Object typed = v instanceof Integer && k.type() == ColumnType.LONG ? Long.valueOf((Integer) v) : v;
                if (!k.type().javaType().isInstance(typed)) {
                    throw new ValidationException("entity key " + k.name(), "be a " + k.type() + " ("
                            + k.type().javaType().getSimpleName() + ")", v);
                }
                values.add(typed);
            }
        }
        return values;
    }

    private static List<String> joinKeys(Stored stored, FeatureView view) {
        List<String> keys = new ArrayList<>();
        for (String entity : view.entities()) {
            stored.entities.get(entity).joinKeys().forEach(k -> keys.add(k.name()));
        }
        return keys;
    }

    private static List<Object> nullSafe(List<Object> values) {
        for (Object v : values) {
            if (v == null) {
                throw new ValidationException("feature row key", "not be null", values);
            }
        }
        return values;
    }

    private synchronized RocksDbOnlineStore online() {
        if (online == null) {
            online = new RocksDbOnlineStore(root.resolve("online"));
        }
        return online;
    }

    private @Nullable Checkpoint checkpoint(FeatureView view) {
        byte[] bytes = StateFiles.readIfExists(checkpointFile(view));
        return bytes == null ? null : json.read(bytes, Checkpoint.class);
    }

    private void saveCheckpoint(FeatureView view, Checkpoint checkpoint) {
        StateFiles.replace(checkpointFile(view), json.write(checkpoint));
    }

    private Path checkpointFile(FeatureView view) {
        return root.resolve("materialization").resolve(view.name()).resolve(view.version() + ".json");
    }

    /** Closes the online store, if it was opened. */
    @Override
    public synchronized void close() {
        if (online != null) {
            online.close();
            online = null;
        }
    }

    @Override
    public FeatureStatistics computeStatistics(String view, int version) {
        Name.check("feature view", view);
        Stored stored = load();
        FeatureView found = stored.views.get(view + "@" + version);
        if (found == null) {
            throw new NotFoundException("feature view", view + "@" + version, "applied: " + stored.views.keySet());
        }
        List<String> keys = new ArrayList<>();
        for (String entity : found.entities()) {
            stored.entities.get(entity).joinKeys().forEach(k -> keys.add(k.name()));
        }
        FeatureStatistics stats = offline.statistics(found, keys, clock.instant());
        StateFiles.replace(statisticsFile(view, version), json.write(stats));
        return stats;
    }

    @Override
    public Optional<FeatureStatistics> statistics(String view, int version) {
        Name.check("feature view", view);
        byte[] bytes = StateFiles.readIfExists(statisticsFile(view, version));
        return bytes == null ? Optional.empty() : Optional.of(json.read(bytes, FeatureStatistics.class));
    }

    private Path statisticsFile(String view, int version) {
        return root.resolve("statistics").resolve(view).resolve(version + ".json");
    }

    @Override
    public Optional<FeatureService> service(String name) {
        Name.check("feature service", name);
        return Optional.ofNullable(load().services.get(name));
    }

    private static Change viewChange(FeatureView old, FeatureView view) {
        List<String> details = new ArrayList<>();
        boolean breaking = false;
        for (Column field : old.fields()) {
            Optional<Column> now = view.field(field.name());
            if (now.isEmpty()) {
                details.add("removes field " + field.name());
                breaking = true;
            } else if (now.get().type() != field.type()) {
                details.add("field " + field.name() + " " + field.type() + " -> " + now.get().type());
                breaking = true;
            }
        }
        view.fields().stream().filter(f -> old.field(f.name()).isEmpty()).forEach(f -> details.add("adds field " + f.name()));
        if (!old.entities().equals(view.entities())) {
            details.add("entities " + old.entities() + " -> " + view.entities());
            breaking = true;
        }
        if (!old.source().timestampColumn().equals(view.source().timestampColumn())) {
            details.add("event-time column " + old.source().timestampColumn() + " -> " + view.source().timestampColumn());
            breaking = true;
        }
        diff(details, "ttl", old.ttl(), view.ttl());
        diff(details, "source", old.source().location(), view.source().location());
        diff(details, "online", old.online(), view.online());
        diff(details, "owner", old.owner(), view.owner());
        diff(details, "description", old.description(), view.description());
        diff(details, "tags", old.tags(), view.tags());
        return new Change("feature view", view.versionedName(), Action.CHANGED, breaking, details);
    }

    private static void diff(List<String> details, String what, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            details.add(what + " " + before + " -> " + after);
        }
    }

    private static void check(FeatureDefinitions definitions, Stored stored) {
        for (FeatureView view : definitions.views()) {
            for (String entity : view.entities()) {
                if (definitions.entities().stream().noneMatch(e -> e.name().equals(entity))) {
                    throw new ValidationException("feature view " + view.versionedName() + " entity",
                            "name an entity defined with it", entity);
                }
            }
        }
        for (FeatureService service : definitions.services()) {
            for (FeatureRef ref : service.features()) {
                FeatureView view = definitions.views().stream()
                        .filter(v -> v.name().equals(ref.view()) && v.version() == ref.version()).findFirst()
                        .orElse(stored.views.get(ref.view() + "@" + ref.version()));
                if (view == null) {
                    throw new ValidationException("feature service " + service.name() + " feature",
                            "name a defined or applied view version", ref);
                }
                if (view.field(ref.feature()).isEmpty()) {
                    throw new ValidationException("feature service " + service.name() + " feature",
                            "name a field of " + view.versionedName(), ref);
                }
            }
        }
    }

    private void write(Change change, FeatureDefinitions definitions) {
        switch (change.kind()) {
            case "entity":
                Path entityFile = root.resolve("entities").resolve(change.name() + ".json");
                if (change.action() == Action.REMOVED) {
                    delete(entityFile);
                } else {
                    definitions.entities().stream().filter(e -> e.name().equals(change.name())).findFirst()
                            .ifPresent(e -> StateFiles.replace(entityFile, json.write(e)));
                }
                break;
            case "feature view":
                String[] parts = change.name().split("@");
                Path viewFile = root.resolve("views").resolve(parts[0]).resolve(parts[1] + ".json");
                if (change.action() == Action.REMOVED) {
                    delete(viewFile);
                } else {
                    definitions.views().stream().filter(v -> v.versionedName().equals(change.name())).findFirst()
                            .ifPresent(v -> StateFiles.replace(viewFile, json.write(v)));
                }
                break;
            default:
                Path serviceFile = root.resolve("services").resolve(change.name() + ".json");
                if (change.action() == Action.REMOVED) {
                    delete(serviceFile);
                } else {
                    definitions.services().stream().filter(s -> s.name().equals(change.name())).findFirst()
                            .ifPresent(s -> StateFiles.replace(serviceFile, json.write(s)));
                }
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new MlopsException("cannot delete " + file + ": " + e, e, true);
        }
    }

    private Stored load() {
        Stored stored = new Stored();
        readAll(root.resolve("entities"), Entity.class).forEach(e -> stored.entities.put(e.name(), e));
        Path views = root.resolve("views");
        if (Files.isDirectory(views)) {
            try (Stream<Path> dirs = Files.list(views)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    readAll(dir, FeatureView.class).forEach(v -> stored.views.put(v.versionedName(), v));
                }
            } catch (IOException e) {
                throw new MlopsException("cannot list " + views + ": " + e, e, true);
            }
        }
        readAll(root.resolve("services"), FeatureService.class).forEach(s -> stored.services.put(s.name(), s));
        return stored;
    }

    private <T> List<T> readAll(Path dir, Class<T> type) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            List<T> all = new ArrayList<>();
            for (Path file : (Iterable<Path>) list.sorted()::iterator) {
                if (file.getFileName().toString().endsWith(".json")) {
                    all.add(json.read(Files.readAllBytes(file), type));
                }
            }
            return all;
        } catch (IOException e) {
            throw new MlopsException("cannot read " + dir + ": " + e, e, true);
        }
    }

    /** The definitions on disk, by name ({@code name@version} for views). */
    private static final class Stored {
        final Map<String, Entity> entities = new LinkedHashMap<>();
        final Map<String, FeatureView> views = new LinkedHashMap<>();
        final Map<String, FeatureService> services = new LinkedHashMap<>();
    }
}
