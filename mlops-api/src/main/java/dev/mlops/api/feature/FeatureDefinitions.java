package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * A repository of feature definitions as code — what {@link FeatureStore#plan} compares with the
 * store and {@link FeatureStore#apply} makes true.
 *
 * <pre>{@code
 * FeatureDefinitions repo = FeatureDefinitions.of(user, movie, userStats, movieStats, raterService);
 * FeaturePlan plan = mlops.features().plan(repo);
 * }</pre>
 *
 * @param entities the entities
 * @param views the views
 * @param onDemandViews the on-demand views
 * @param services the services
 * @since 0.1.0
 */
public record FeatureDefinitions(List<Entity> entities, List<FeatureView> views, List<OnDemandFeatureView> onDemandViews,
        List<FeatureService> services) {
    /**
     * Checks that names are unique (views by name and version; a name is a feature view's or an
     * on-demand view's, not both).
     *
     * @param entities the entities
     * @param views the views
     * @param onDemandViews the on-demand views
     * @param services the services
     */
    public FeatureDefinitions {
        entities = List.copyOf(entities);
        views = List.copyOf(views);
        onDemandViews = List.copyOf(onDemandViews);
        services = List.copyOf(services);
        unique("entity", entities.stream().map(Entity::name).toList());
        unique("feature view", views.stream().map(FeatureView::versionedName).toList());
        unique("on-demand view", onDemandViews.stream().map(OnDemandFeatureView::versionedName).toList());
        unique("feature service", services.stream().map(FeatureService::name).toList());
        for (OnDemandFeatureView odfv : onDemandViews) {
            if (views.stream().anyMatch(v -> v.name().equals(odfv.name()))) {
                throw new ConflictException("'" + odfv.name() + "' names both a feature view and an on-demand view");
            }
        }
    }

    /**
     * Collects definitions of any kind.
     *
     * @param definitions entities, views, on-demand views and services
     * @return the repository
     */
    public static FeatureDefinitions of(Object... definitions) {
        List<Entity> entities = new ArrayList<>();
        List<FeatureView> views = new ArrayList<>();
        List<OnDemandFeatureView> onDemandViews = new ArrayList<>();
        List<FeatureService> services = new ArrayList<>();
        for (Object d : definitions) {
            Checks.notNull("definition", d);
            if (d instanceof Entity) {
                entities.add((Entity) d);
            } else if (d instanceof FeatureView) {
                views.add((FeatureView) d);
            } else if (d instanceof OnDemandFeatureView) {
                onDemandViews.add((OnDemandFeatureView) d);
            } else if (d instanceof FeatureService) {
                services.add((FeatureService) d);
            } else {
                throw new ValidationException("definition", "be an Entity, FeatureView, OnDemandFeatureView or FeatureService",
                        d.getClass().getName());
            }
        }
        return new FeatureDefinitions(entities, views, onDemandViews, services);
    }

    private static void unique(String kind, List<String> names) {
        List<String> seen = new ArrayList<>();
        for (String name : names) {
            if (seen.contains(name)) {
                throw new ConflictException(kind + " '" + name + "' is defined twice");
            }
            seen.add(name);
        }
    }
}
