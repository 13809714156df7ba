package dev.mlops.core.feature;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeaturePlan;
import dev.mlops.api.feature.FeaturePlan.Action;
import dev.mlops.api.feature.FeaturePlan.Change;
import dev.mlops.api.feature.FeatureRef;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OnDemandFeatureView;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The diff between feature definitions and the applied ones: what {@code plan} shows and
 * {@code apply} writes, with each change marked compatible or breaking, after checking that every
 * reference resolves.
 */
final class Planner {
    /** The kind of an on-demand view change. */
    static final String ON_DEMAND = "on-demand view";

    private Planner() {
    }

    /** Compares definitions with what is applied. */
    static FeaturePlan plan(FeatureDefinitions definitions, Definitions.Stored stored) {
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
        for (OnDemandFeatureView view : definitions.onDemandViews()) {
            Definitions.OnDemand old = stored.onDemand.get(view.versionedName());
            Definitions.OnDemand now = Definitions.OnDemand.of(view);
            if (old == null) {
                changes.add(new Change(ON_DEMAND, view.versionedName(), Action.ADDED, false, List.of()));
            } else if (!old.equals(now)) {
                List<String> details = new ArrayList<>();
                diff(details, "request", old.request(), now.request());
                diff(details, "inputs", old.inputs(), now.inputs());
                diff(details, "fields", old.fields(), now.fields());
                boolean breaking = !details.isEmpty();
                diff(details, "description", old.description(), now.description());
                changes.add(new Change(ON_DEMAND, view.versionedName(), Action.CHANGED, breaking, details));
            }
        }
        for (Definitions.OnDemand old : stored.onDemand.values()) {
            if (definitions.onDemandViews().stream().noneMatch(v -> v.name().equals(old.name()))) {
                boolean pinned = definitions.services().stream()
                        .anyMatch(s -> s.features().stream().anyMatch(f -> f.view().equals(old.name()) && f.version() == old.version()));
                changes.add(new Change(ON_DEMAND, old.versionedName(), Action.REMOVED, pinned,
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

    /** The definition a change writes: the entity, view, stored on-demand view or service. */
    static Object definition(Change change, FeatureDefinitions repo) {
        switch (change.kind()) {
            case "entity":
                return repo.entities().stream().filter(e -> e.name().equals(change.name())).findFirst().orElseThrow();
            case "feature view":
                return repo.views().stream().filter(v -> v.versionedName().equals(change.name())).findFirst().orElseThrow();
            case ON_DEMAND:
                return repo.onDemandViews().stream().filter(v -> v.versionedName().equals(change.name()))
                        .map(Definitions.OnDemand::of).findFirst().orElseThrow();
            default:
                return repo.services().stream().filter(s -> s.name().equals(change.name())).findFirst().orElseThrow();
        }
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

    private static void check(FeatureDefinitions definitions, Definitions.Stored stored) {
        for (FeatureView view : definitions.views()) {
            for (String entity : view.entities()) {
                if (definitions.entities().stream().noneMatch(e -> e.name().equals(entity))) {
                    throw new ValidationException("feature view " + view.versionedName() + " entity",
                            "name an entity defined with it", entity);
                }
            }
        }
        for (OnDemandFeatureView odfv : definitions.onDemandViews()) {
            if (stored.views.values().stream().anyMatch(v -> v.name().equals(odfv.name()))) {
                throw new ValidationException("on-demand view", "not share its name with an applied feature view", odfv.name());
            }
            for (FeatureRef input : odfv.inputs()) {
                FeatureView view = findView(definitions, stored, input);
                if (view == null || view.field(input.feature()).isEmpty()) {
                    throw new ValidationException("on-demand view " + odfv.versionedName() + " input",
                            "name a field of a defined or applied feature view version", input);
                }
            }
        }
        for (FeatureService service : definitions.services()) {
            for (FeatureRef ref : service.features()) {
                FeatureView view = findView(definitions, stored, ref);
                Optional<Column> field;
                if (view != null) {
                    field = view.field(ref.feature());
                } else {
                    Optional<OnDemandFeatureView> odfv = definitions.onDemandViews().stream()
                            .filter(v -> v.name().equals(ref.view()) && v.version() == ref.version()).findFirst();
                    Definitions.OnDemand old = stored.onDemand.get(ref.view() + "@" + ref.version());
                    if (odfv.isEmpty() && old == null) {
                        throw new ValidationException("feature service " + service.name() + " feature",
                                "name a defined or applied view version", ref);
                    }
                    List<Column> fields = odfv.isPresent() ? odfv.get().fields() : old.fields();
                    field = fields.stream().filter(f -> f.name().equals(ref.feature())).findFirst();
                }
                if (field.isEmpty()) {
                    throw new ValidationException("feature service " + service.name() + " feature",
                            "name a field of " + ref.view() + "@" + ref.version(), ref);
                }
            }
        }
    }

    private static @Nullable FeatureView findView(FeatureDefinitions definitions, Definitions.Stored stored, FeatureRef ref) {
        return definitions.views().stream().filter(v -> v.name().equals(ref.view()) && v.version() == ref.version())
                .findFirst().orElse(stored.views.get(ref.view() + "@" + ref.version()));
    }
}
