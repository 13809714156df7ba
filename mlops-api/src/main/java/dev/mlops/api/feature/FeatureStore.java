package dev.mlops.api.feature;

import dev.mlops.api.data.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The feature store: definitions applied as code, point-in-time-correct training data,
 * materialization and online serving. A change to the definitions is visible to the next call of
 * every reader, in any JVM (no TTL-cached registry).
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
     * Point-in-time-correct training data: for each entity row with event time t, each feature's
     * value from the latest row of the same key with feature time at or before t and after
     * t − ttl (ties on feature time go to the latest created time); rows without such a feature row
     * keep nulls. On-demand features are computed per row from the row's request columns and the
     * joined input features. The result has the entity rows' columns, in their order, then one column
     * per feature of the service, in its order, named {@code view__feature}.
     *
     * @param entityRows the rows to label: the join keys of the service's entities and an event-time column
     * @param eventTimeColumn the entity rows' {@code TIMESTAMP} column
     * @param service a service applied to this store
     * @return the training table
     * @throws dev.mlops.api.ValidationException if the entity rows lack a join key or the event-time column
     */
    Table historicalFeatures(Table entityRows, String eventTimeColumn,
            FeatureService service);

    /**
     * Training data without entity rows: every distinct key and event time of the service's views
     * with event time in {@code [from, to)} becomes an entity row, labelled as
     * {@link #historicalFeatures(Table, String, FeatureService)} does. The views must share their
     * join keys, and on-demand views must need no request data.
     *
     * <pre>{@code
     * Table lastWeek = features.historicalFeatures(now.minus(Duration.ofDays(7)), now, raterService);
     * }</pre>
     *
     * @param from the earliest event time
     * @param to the first event time excluded
     * @param service a service applied to this store
     * @return the join keys, an {@code event_timestamp} column, then one column per feature
     * @throws dev.mlops.api.ValidationException if the views have different join keys or {@code to} is not after {@code from}
     */
    Table historicalFeatures(Instant from, Instant to, FeatureService service);

    /**
     * Loads the latest row per key with event time in {@code [from, to)} of every online view into
     * the online store, in chunks; a row only replaces a newer one never. Running it again, or after
     * a crash, is safe: nothing is duplicated and nothing is skipped.
     *
     * @param from the earliest event time
     * @param to the first event time not loaded
     * @return rows written per view version
     */
    Map<String, Long> materialize(Instant from, Instant to);

    /**
     * Materializes every online view from where its last materialization ended (or the beginning) to {@code to}.
     *
     * @param to the first event time not loaded
     * @return rows written per view version
     */
    Map<String, Long> materializeIncremental(Instant to);

    /**
     * Reads a service's features for entity keys from the online store. Every value carries its
     * status; rows older than their view's TTL are withheld ({@link FeatureValue.Status#OUTSIDE_MAX_AGE}).
     * On-demand features are computed from the request data in each map and the input features read
     * for it (withheld inputs are {@code null}); they carry no event time.
     *
     * @param entityKeys one map per entity: join keys to values, plus the request data of on-demand views
     * @param service an applied service
     * @return one vector per key, in order
     * @throws dev.mlops.api.ValidationException if a key lacks a join key or has a value of another type
     */
    List<FeatureVector> onlineFeatures(List<Map<String, Object>> entityKeys, FeatureService service);

    /**
     * Writes rows of a push or stream source straight to the online store (a row never replaces a
     * newer one) and to the source's offline log, so that training data sees them too.
     *
     * @param pushSource the name of a push or stream source used by applied views
     * @param rows the rows: every view's join keys, the source's event-time column and the view's fields,
     *     with the declared types
     * @return rows written to the online store per view version
     * @throws dev.mlops.api.ValidationException naming what is missing or mistyped; nothing is written then
     */
    Map<String, Long> push(String pushSource, Table rows);

    /**
     * Computes statistics of a view version's source data and keeps them with the version.
     *
     * @param view the view name
     * @param version the version
     * @return the statistics
     * @throws dev.mlops.api.NotFoundException if the view version is not applied
     */
    FeatureStatistics computeStatistics(String view, int version);

    /**
     * The statistics last computed for a view version.
     *
     * @param view the view name
     * @param version the version
     * @return the statistics, if computed
     */
    Optional<FeatureStatistics> statistics(String view, int version);

    /**
     * A service.
     *
     * @param name the name
     * @return the service, if applied
     */
    Optional<FeatureService> service(String name);
}
