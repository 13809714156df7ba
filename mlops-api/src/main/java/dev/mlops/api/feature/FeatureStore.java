package dev.mlops.api.feature;

import java.util.List;
import java.util.Optional;

/**
 * The feature store: definitions applied as code (this part), and — as the area grows —
 * point-in-time training data, materialization and online serving. Definitions are read from the
 * store on every call, so a change is visible at once (no cached registry).
 *
 * <pre>{@code
 * FeaturePlan plan = mlops.features().plan(repo);   // a typed diff
 * mlops.features().apply(repo);                      // no-op when nothing changed
 * FeatureView stats = mlops.features().view("user_stats", 1).orElseThrow();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface FeatureStore {
    /**
     * Compares definitions with the store.
     *
     * @param definitions the repository
     * @return the changes apply would make
     * @throws dev.mlops.api.ValidationException if a view names an unknown entity, or a service an
     *     unknown view version or field
     */
    FeaturePlan plan(FeatureDefinitions definitions);

    /**
     * Makes the store match the definitions: adds and changes what differs, removes entities and
     * services that are no longer defined. Earlier versions of views are kept for the services that
     * pin them. Nothing changes if the plan has a breaking change.
     *
     * @param definitions the repository
     * @return the plan that was applied
     * @throws dev.mlops.api.ConflictException if a change is breaking (the message lists them)
     */
    FeaturePlan apply(FeatureDefinitions definitions);

    /**
     * An entity.
     *
     * @param name the name
     * @return the entity, if applied
     */
    Optional<Entity> entity(String name);

    /**
     * A view version.
     *
     * @param name the view name
     * @param version the version
     * @return the view, if applied
     */
    Optional<FeatureView> view(String name, int version);

    /**
     * Every applied view version, by name then version.
     *
     * @return the views
     */
    List<FeatureView> views();

    /**
     * A service.
     *
     * @param name the name
     * @return the service, if applied
     */
    Optional<FeatureService> service(String name);
}
