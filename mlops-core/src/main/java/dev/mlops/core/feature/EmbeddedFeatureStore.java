package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
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
import dev.mlops.api.feature.FeatureStatistics;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
public final class EmbeddedFeatureStore implements FeatureStore {
    private final Path root;
    private final JsonCodec json;
    private final Clock clock;
    private final EventBus events;
    private final StateFiles files = new StateFiles();
    private final DuckDbOfflineStore offline = new DuckDbOfflineStore();

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
            requests.put(view.versionedName(), new DuckDbOfflineStore.ViewRequest(view, keys, features));
        }
        return offline.historical(entityRows, eventTimeColumn, new ArrayList<>(requests.values()));
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
