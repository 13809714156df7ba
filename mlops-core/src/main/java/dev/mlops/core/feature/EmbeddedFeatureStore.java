package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
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
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.api.feature.OfflineStore.ViewQuery;
import dev.mlops.api.feature.OnDemandFeatureView;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.internal.StateFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link FeatureStore}: definitions as files under {@code <home>/features} (re-read
 * when another apply replaced them, so a change is visible at once), historical reads on an
 * {@link OfflineStore} (DuckDB by default), online reads and writes on an {@link OnlineStore}
 * (RocksDB under {@code <home>/features/online} by default, opened on first use).
 *
 * <pre>{@code
 * FeaturePlan plan = mlops.features().apply(FeatureDefinitions.of(user, userStats, service));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedFeatureStore implements FeatureStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFeatureStore.class);
    /** The event-time column of entity rows made for retrieval without entity rows. */
    public static final String EVENT_TIMESTAMP = "event_timestamp";
    private static final FeatureValue.Status[] STATUSES = FeatureValue.Status.values();

    private final Path root;
    private final JsonCodec json;
    private final Clock clock;
    private final EventBus events;
    private final MeterRegistry meters;
    private final Freshness freshness;
    /** The lookup counters of each view version, one per {@link FeatureValue.Status} in ordinal order. */
    private final Map<String, Counter[]> lookupCounters = new ConcurrentHashMap<>();
    private final StateFiles files = new StateFiles();
    private final Definitions applied;
    private final Materializer materializer;
    private final OfflineStore offline;
    private final boolean ownsOffline;
    private final Map<String, OnDemandFeatureView> transformations = new ConcurrentHashMap<>();
    private volatile @Nullable OnlineStore online;
    private final boolean ownsOnline;
    private volatile @Nullable ResolvedCache resolvedCache;
    /** The plan of the service read last, found by identity: the common case of one service per endpoint. */
    private volatile @Nullable Resolved lastResolved;
    /** Resolved services kept per generation before the cache starts over. */
    private static final int MAX_RESOLVED = 1_000;

    /**
     * Creates the store.
     *
     * @param root the directory, e.g. {@code <home>/features}
     * @param json the codec for the definition files
     * @param clock the clock for event times and feature ages
     * @param events where applied views and materializations are announced
     * @param meters where push, materialization and online lookup counts and the freshness gauges go
     * @param online the online store, or {@code null} for RocksDB under {@code root/online} (closed with this store)
     * @param offline the offline store, or {@code null} for DuckDB with push logs under {@code root/push}
     */
    public EmbeddedFeatureStore(Path root, JsonCodec json, Clock clock, EventBus events, MeterRegistry meters,
            @Nullable OnlineStore online, @Nullable OfflineStore offline) {
        this.root = Checks.notNull("features.root", root).toAbsolutePath().normalize();
        this.json = Checks.notNull("features.json", json);
        this.clock = Checks.notNull("features.clock", clock);
        this.events = Checks.notNull("features.events", events);
        this.meters = Checks.notNull("features.meters", meters);
        this.freshness = new Freshness(this.clock, meters);
        this.applied = new Definitions(this.root, json);
        this.online = online;
        this.ownsOnline = online == null;
        this.ownsOffline = offline == null;
        this.offline = offline != null ? offline : new DuckDbOfflineStore(this.root.resolve("push"));
        this.materializer = new Materializer(this.root.resolve("materialization"), json, clock, meters, freshness,
                this.offline, this::online, this::publish);
    }

    @Override
    public FeaturePlan plan(FeatureDefinitions definitions) {
        Checks.notNull("definitions", definitions);
        return Planner.plan(definitions, applied.load());
    }

    @Override
    public FeaturePlan apply(FeatureDefinitions repo) {
        Checks.notNull("definitions", repo);
        FeaturePlan plan = files.locked(root, () -> {
            FeaturePlan planned = plan(repo);
            if (planned.breaking()) {
                throw new ConflictException("feature definitions have breaking changes; give changed views a new"
                        + " version:\n" + planned);
            }
            for (Change change : planned.changes()) {
                applied.write(change.kind(), change.name(), change.action() == Action.REMOVED ? null : Planner.definition(change, repo));
            }
            if (!planned.changes().isEmpty()) {
                applied.changed();
            }
            return planned;
        });
        repo.onDemandViews().forEach(v -> transformations.put(v.versionedName(), v));
        resolvedCache = null;
        lastResolved = null;
        for (Change change : plan.changes()) {
            if (!change.kind().equals("entity") && !change.kind().equals("feature service") && change.action() != Action.REMOVED) {
                publish(Event.builder(EventTypes.FEATURE_VIEW_APPLIED).source("/features").subject(change.name())
                        .time(clock.instant()).data("action", change.action().name()).data("details", change.details()));
            }
        }
        return plan;
    }

    private void publish(Event.Builder event) {
        try {
            events.publish(event.build());
        } catch (RuntimeException e) {
            // what the event announces is done; an overloaded bus must not undo or fail it
            LOG.debug("Feature event not published", e);
        }
    }

    @Override
    public Optional<Entity> entity(String name) {
        Name.check("entity", name);
        return Optional.ofNullable(applied.load().entities.get(name));
    }

    @Override
    public Optional<FeatureView> view(String name, int version) {
        Name.check("feature view", name);
        return Optional.ofNullable(applied.load().views.get(name + "@" + version));
    }

    @Override
    public List<FeatureView> views() {
        return applied.load().views.values().stream()
                .sorted(Comparator.comparing(FeatureView::name).thenComparingInt(FeatureView::version)).toList();
    }

    @Override
    public Optional<FeatureService> service(String name) {
        Name.check("feature service", name);
        return Optional.ofNullable(applied.load().services.get(name));
    }

    /**
     * A service resolved against one generation of the definitions: the views to read (with the
     * inputs of on-demand views), the on-demand views to run, and where each feature comes from.
     */
    private final class Resolved {
        final Definitions.Stored stored;
        final FeatureService service;
        final Map<String, ViewQuery> queries = new LinkedHashMap<>();
        final Map<String, OnDemandFeatureView> onDemand = new LinkedHashMap<>();
        final List<ViewQuery> queryList;
        /** Per service feature: the index in {@link #queryList}, or -1 for an on-demand feature. */
        final int[] queryOf;
        /** Per service feature: the field's index in its view or on-demand view. */
        final int[] fieldOf;
        /** Per service feature: its full name. */
        final String[] fullNames;
        /** Per on-demand input, by full name: its query and field index. */
        final Map<String, int[]> inputs = new HashMap<>();
        /**
         * Per service feature: its lookup-counter slot, the index of its view in {@link #queryList}, or for an
         * on-demand feature the number of queries plus the index of its on-demand view.
         */
        final int[] slotOf;
        /** The view version of each slot. */
        final String[] slotViews;
        /** The lookup counters, {@code [slot * statuses + status ordinal]}; filled on the first online read. */
        volatile Counter @Nullable [] lookups;

        Resolved(Definitions.Stored stored, FeatureService service) {
            this.stored = stored;
            this.service = service;
            Map<String, List<String>> features = new LinkedHashMap<>();
            for (FeatureRef ref : service.features()) {
                String versioned = ref.view() + "@" + ref.version();
                if (stored.views.containsKey(versioned)) {
                    features.computeIfAbsent(versioned, v -> new ArrayList<>()).add(ref.feature());
                } else if (stored.onDemand.containsKey(versioned)) {
                    OnDemandFeatureView view = transformations.get(versioned);
                    if (view == null || !Definitions.OnDemand.of(view).equals(stored.onDemand.get(versioned))) {
                        throw new MlopsException("on-demand view " + versioned + " has no transformation in this JVM, or"
                                + " another definition than the applied one; apply the definitions that hold it first");
                    }
                    onDemand.put(versioned, view);
                } else {
                    throw new ValidationException("feature service " + service.name(), "use applied view versions", ref);
                }
            }
            for (OnDemandFeatureView view : onDemand.values()) {
                for (FeatureRef input : view.inputs()) {
                    List<String> list = features.computeIfAbsent(input.view() + "@" + input.version(), v -> new ArrayList<>());
                    if (!list.contains(input.feature())) {
                        list.add(input.feature());
                    }
                }
            }
            features.forEach((versioned, list) -> {
                FeatureView view = stored.views.get(versioned);
                if (view == null) {
                    throw new ValidationException("on-demand input", "name an applied view version", versioned);
                }
                queries.put(versioned, new ViewQuery(view, stored.joinKeys(view), list));
            });
            queryList = new ArrayList<>(queries.values());
            List<String> names = new ArrayList<>(queries.keySet());
            queryOf = new int[service.features().size()];
            fieldOf = new int[queryOf.length];
            fullNames = service.features().stream().map(FeatureRef::fullName).toArray(String[]::new);
            for (int j = 0; j < queryOf.length; j++) {
                FeatureRef ref = service.features().get(j);
                String versioned = ref.view() + "@" + ref.version();
                OnDemandFeatureView odfv = onDemand.get(versioned);
                queryOf[j] = odfv == null ? names.indexOf(versioned) : -1;
                fieldOf[j] = odfv == null ? fieldIndex(queries.get(versioned).view(), ref.feature())
                        : odfv.fields().indexOf(odfv.field(ref.feature()).orElseThrow());
            }
            for (OnDemandFeatureView view : onDemand.values()) {
                for (FeatureRef input : view.inputs()) {
                    String versioned = input.view() + "@" + input.version();
                    inputs.put(input.fullName(), new int[] {names.indexOf(versioned),
                            fieldIndex(queries.get(versioned).view(), input.feature())});
                }
            }
            List<String> onDemandNames = new ArrayList<>(onDemand.keySet());
            slotViews = new String[names.size() + onDemandNames.size()];
            for (int q = 0; q < slotViews.length; q++) {
                slotViews[q] = q < names.size() ? names.get(q) : onDemandNames.get(q - names.size());
            }
            slotOf = new int[queryOf.length];
            for (int j = 0; j < slotOf.length; j++) {
                FeatureRef ref = service.features().get(j);
                slotOf[j] = queryOf[j] >= 0 ? queryOf[j] : names.size() + onDemandNames.indexOf(ref.view() + "@" + ref.version());
            }
        }

        /** The lookup counters of every slot, looked up once per resolved service. */
        Counter[] lookups() {
            Counter[] counters = lookups;
            if (counters == null) {
                counters = new Counter[slotViews.length * STATUSES.length];
                for (int q = 0; q < slotViews.length; q++) {
                    System.arraycopy(lookupCounters(slotViews[q]), 0, counters, q * STATUSES.length, STATUSES.length);
                }
                lookups = counters;
            }
            return counters;
        }

        private static int fieldIndex(FeatureView view, String feature) {
            return view.fields().indexOf(view.field(feature).orElseThrow());
        }

        FeatureView view(FeatureRef ref) {
            return stored.views.get(ref.view() + "@" + ref.version());
        }
    }

    /** Resolved services of one generation of the definitions. */
    private record ResolvedCache(Definitions.Stored stored, Map<FeatureService, Resolved> services) {
    }

    private Resolved resolve(FeatureService service) {
        Definitions.Stored stored = applied.load();
        ResolvedCache cache = resolvedCache;
        if (cache == null || cache.stored() != stored || cache.services().size() > MAX_RESOLVED) {
            cache = new ResolvedCache(stored, new ConcurrentHashMap<>());
            resolvedCache = cache;
        }
        Resolved last = lastResolved;
        if (last != null && last.service == service && last.stored == stored) {
            return last;
        }
        Resolved resolved = cache.services().get(service);
        if (resolved == null) {
            resolved = new Resolved(stored, service);
            cache.services().put(service, resolved);
        }
        lastResolved = resolved;
        return resolved;
    }

    @Override
    public Table historicalFeatures(Table entityRows, String eventTimeColumn, FeatureService service) {
        Checks.notNull("entityRows", entityRows);
        Checks.notNull("service", service);
        Resolved resolved = resolve(service);
        Schema schema = entityRows.schema();
        for (OnDemandFeatureView view : resolved.onDemand.values()) {
            for (Column column : view.request()) {
                if (!schema.has(column.name()) || schema.column(column.name()).type() != column.type()) {
                    throw new ValidationException("entity rows", "have the " + column.type() + " request column '"
                            + column.name() + "' of " + view.versionedName(), schema);
                }
            }
        }
        Table joined = offline.historical(entityRows, eventTimeColumn, new ArrayList<>(resolved.queries.values()));
        List<Column> columns = new ArrayList<>(schema.columns());
        List<Integer> sources = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            sources.add(c);
        }
        for (FeatureRef ref : service.features()) {
            OnDemandFeatureView odfv = resolved.onDemand.get(ref.view() + "@" + ref.version());
            Column field = odfv != null ? odfv.field(ref.feature()).orElseThrow() : resolved.view(ref).field(ref.feature()).orElseThrow();
            columns.add(Column.of(ref.fullName(), field.type()));
            sources.add(odfv != null ? -1 : joined.schema().indexOf(ref.fullName()));
        }
        if (resolved.onDemand.isEmpty() && joined.schema().columns().equals(columns)) {
            return joined;
        }
        Table.Builder out = Table.builder(Schema.of(columns));
        for (int r = 0; r < joined.rowCount(); r++) {
            Map<String, Map<String, Object>> computed = new HashMap<>();
            Object[] row = new Object[columns.size()];
            for (int c = 0; c < row.length; c++) {
                if (sources.get(c) >= 0) {
                    row[c] = joined.value(r, sources.get(c));
                } else {
                    FeatureRef ref = service.features().get(c - schema.size());
                    OnDemandFeatureView odfv = resolved.onDemand.get(ref.view() + "@" + ref.version());
                    int at = r;
                    row[c] = computed.computeIfAbsent(odfv.versionedName(), v -> transform(odfv, name -> {
                        int i = joined.schema().indexOf(name);
                        return joined.value(at, i);
                    })).get(ref.feature());
                }
            }
            out.addRow(row);
        }
        return out.build();
    }

    @Override
    public Table historicalFeatures(Instant from, Instant to, FeatureService service) {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        Checks.notNull("service", service);
        if (!from.isBefore(to)) {
            throw new ValidationException("to", "be after from " + from, to);
        }
        Resolved resolved = resolve(service);
        for (OnDemandFeatureView view : resolved.onDemand.values()) {
            if (!view.request().isEmpty()) {
                throw new ValidationException("feature service " + service.name(), "need no request data for retrieval"
                        + " without entity rows, but " + view.versionedName() + " reads", view.request());
            }
        }
        Table entityRows = offline.entityRows(new ArrayList<>(resolved.queries.values()), from, to, EVENT_TIMESTAMP);
        return historicalFeatures(entityRows, EVENT_TIMESTAMP, service);
    }

    /** Runs an on-demand view on inputs looked up by column or full feature name; checks what it returns. */
    private static Map<String, Object> transform(OnDemandFeatureView view, Function<String, Object> lookup) {
        Map<String, Object> inputs = new HashMap<>();
        view.request().forEach(c -> inputs.put(c.name(), lookup.apply(c.name())));
        view.inputs().forEach(f -> inputs.put(f.fullName(), lookup.apply(f.fullName())));
        Map<String, Object> result;
        try {
            result = view.transformation().apply(Collections.unmodifiableMap(inputs));
        } catch (RuntimeException e) {
            throw new MlopsException("on-demand view " + view.versionedName() + " failed on " + inputs + ": " + e, e, false);
        }
        if (result == null) {
            throw new MlopsException("on-demand view " + view.versionedName() + " returned null for " + inputs);
        }
        for (Map.Entry<String, Object> e : result.entrySet()) {
            Column field = view.field(e.getKey()).orElseThrow(() -> new MlopsException("on-demand view " + view.versionedName()
                    + " returned '" + e.getKey() + "', which is not one of its fields " + view.fields()));
            if (e.getValue() != null && !field.type().javaType().isInstance(e.getValue())) {
                throw new MlopsException("on-demand view " + view.versionedName() + " returned " + e.getValue() + " ("
                        + e.getValue().getClass().getSimpleName() + ") for " + field.name() + ", which is " + field.type());
            }
        }
        return result;
    }

    @Override
    public List<FeatureVector> onlineFeatures(List<Map<String, Object>> entityKeys, FeatureService service) {
        Checks.notNull("entityKeys", entityKeys);
        Checks.notNull("service", service);
        Resolved resolved = resolve(service);
        Instant now = clock.instant();
        OnlineStore store = online();
        int views = resolved.queryList.size();
        List<List<Optional<OnlineRow>>> rows = new ArrayList<>(views);
        for (ViewQuery query : resolved.queryList) {
            List<List<Object>> keys = new ArrayList<>(entityKeys.size());
            for (Map<String, Object> key : entityKeys) {
                keys.add(keyValues(query.joinKeys(), Checks.notNull("entity key", key)));
            }
            rows.add(store.read(query.view().versionedName(), keys));
        }
        for (OnDemandFeatureView view : resolved.onDemand.values()) {
            for (Map<String, Object> key : entityKeys) {
                for (Column column : view.request()) {
                    Object v = key.get(column.name());
                    if (!key.containsKey(column.name()) || v != null && !column.type().javaType().isInstance(v)) {
                        throw new ValidationException("request data " + column.name() + " of " + view.versionedName(),
                                "be given as a " + column.type(), key);
                    }
                }
            }
        }
        List<FeatureRef> refs = service.features();
        List<FeatureVector> vectors = new ArrayList<>(entityKeys.size());
        RowState[] states = new RowState[views];
        int[] slotOf = resolved.slotOf;
        int statuses = STATUSES.length;
        int[] tally = new int[resolved.slotViews.length * statuses];
        for (int i = 0; i < entityKeys.size(); i++) {
            Map<String, Object> key = entityKeys.get(i);
            for (int q = 0; q < views; q++) {
                states[q] = new RowState(resolved.queryList.get(q).view(), rows.get(q).get(i), now);
            }
            Map<String, FeatureValue> values = new LinkedHashMap<>(refs.size() * 2);
            Map<OnDemandFeatureView, Map<String, Object>> computed = resolved.onDemand.isEmpty() ? Map.of() : new HashMap<>();
            for (int j = 0; j < refs.size(); j++) {
                int q = resolved.queryOf[j];
                if (q >= 0) {
                    FeatureValue value = states[q].value(resolved.fieldOf[j]);
                    tally[slotOf[j] * statuses + value.status().ordinal()]++;
                    values.put(resolved.fullNames[j], value);
                    continue;
                }
                FeatureRef ref = refs.get(j);
                OnDemandFeatureView odfv = resolved.onDemand.get(ref.view() + "@" + ref.version());
                Object v = computed.computeIfAbsent(odfv, x -> transform(odfv, name -> {
                    int[] input = resolved.inputs.get(name);
                    return input == null ? key.get(name) : states[input[0]].value(input[1]).value();
                })).get(ref.feature());
                FeatureValue.Status status = v == null ? FeatureValue.Status.NULL : FeatureValue.Status.PRESENT;
                tally[slotOf[j] * statuses + status.ordinal()]++;
                values.put(resolved.fullNames[j], new FeatureValue(v, status, Optional.empty(), Optional.empty()));
            }
            vectors.add(new FeatureVector(key, values));
        }
        Counter[] counters = resolved.lookups();
        for (int c = 0; c < tally.length; c++) {
            if (tally[c] != 0) {
                counters[c].increment(tally[c]);
            }
        }
        return vectors;
    }

    /** The lookup counters of a view version, one per status in ordinal order, registered on first use. */
    private Counter[] lookupCounters(String view) {
        return lookupCounters.computeIfAbsent(view, v -> {
            Counter[] counters = new Counter[STATUSES.length];
            for (FeatureValue.Status status : STATUSES) {
                counters[status.ordinal()] = meters.counter(MetricNames.FEATURE_LOOKUPS, MetricNames.TAG_VIEW, v,
                        MetricNames.TAG_STATUS, status.name().toLowerCase(Locale.ROOT));
            }
            return counters;
        });
    }

    /** One key's row of one view at read time: found or not, fresh or too old. */
    private static final class RowState {
        private static final FeatureValue NOT_FOUND = new FeatureValue(null, FeatureValue.Status.NOT_FOUND, Optional.empty(),
                Optional.empty());
        private final @Nullable OnlineRow row;
        private final @Nullable FeatureValue withheld;
        private final Optional<Instant> eventTime;
        private final Optional<Duration> age;

        RowState(FeatureView view, Optional<OnlineRow> found, Instant now) {
            row = found.orElse(null);
            if (row == null) {
                withheld = NOT_FOUND;
                eventTime = Optional.empty();
                age = Optional.empty();
                return;
            }
            Instant at = row.eventTime();
            eventTime = Optional.of(at);
            age = Optional.of(Duration.between(at, now));
            withheld = at.isAfter(now.minus(view.ttl())) ? null
                    : new FeatureValue(null, FeatureValue.Status.OUTSIDE_MAX_AGE, eventTime, age);
        }

        FeatureValue value(int field) {
            if (withheld != null) {
                return withheld;
            }
            Object v = field < row.values().size() ? row.values().get(field) : null;
            return new FeatureValue(v, v == null ? FeatureValue.Status.NULL : FeatureValue.Status.PRESENT, eventTime, age);
        }
    }

    private static List<Object> keyValues(List<Column> joinKeys, Map<String, Object> key) {
        List<Object> values = new ArrayList<>(joinKeys.size());
        for (Column k : joinKeys) {
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
        return values;
    }

    @Override
    public Map<String, Long> materialize(Instant from, Instant to) {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        if (!from.isBefore(to)) {
            throw new ValidationException("to", "be after from " + from, to);
        }
        Definitions.Stored stored = applied.load();
        Map<String, Long> written = new LinkedHashMap<>();
        for (FeatureView view : stored.views.values()) {
            if (view.online() && view.source().path().isPresent()) {
                written.put(view.versionedName(), materializer.run(stored, view, from, to));
            }
        }
        return written;
    }

    @Override
    public Map<String, Long> materializeIncremental(Instant to) {
        Checks.notNull("to", to);
        Definitions.Stored stored = applied.load();
        Map<String, Long> written = new LinkedHashMap<>();
        for (FeatureView view : stored.views.values()) {
            if (view.online() && view.source().path().isPresent()) {
                Materializer.Checkpoint last = materializer.checkpoint(view);
                Instant from = last != null && last.end() != null ? Instant.parse(last.end()) : Instant.EPOCH;
                written.put(view.versionedName(), from.isBefore(to) ? materializer.run(stored, view, from, to) : 0L);
            }
        }
        return written;
    }

    @Override
    public Map<String, Long> push(String pushSource, Table rows) {
        Name.check("push source", pushSource);
        Checks.notNull("rows", rows);
        Definitions.Stored stored = applied.load();
        List<FeatureView> views = stored.views.values().stream()
                .filter(v -> v.source().kind() != FeatureSource.Kind.CSV && v.source().kind() != FeatureSource.Kind.PARQUET
                        && v.source().name().equals(pushSource)).toList();
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
            meters.counter(MetricNames.FEATURE_PUSH_REJECTED, MetricNames.TAG_SOURCE, pushSource).increment(rows.rowCount());
            throw new ValidationException("push " + pushSource, "fit every view reading it", String.join("; ", problems));
        }
        offline.append(pushSource, rows);
        Map<String, Long> written = new LinkedHashMap<>();
        OnlineStore store = online();
        for (FeatureView view : views) {
            List<Column> keys = stored.joinKeys(view);
            List<OnlineRow> chunk = new ArrayList<>(rows.rowCount());
            int ts = rows.schema().indexOf(view.source().timestampColumn());
            for (int r = 0; r < rows.rowCount(); r++) {
                List<Object> key = new ArrayList<>(keys.size());
                for (Column k : keys) {
                    key.add(rows.value(r, rows.schema().indexOf(k.name())));
                }
                List<Object> values = new ArrayList<>(view.fields().size());
                for (Column f : view.fields()) {
                    values.add(rows.value(r, rows.schema().indexOf(f.name())));
                }
                chunk.add(new OnlineRow(key, (Instant) rows.value(r, ts), values));
            }
            written.put(view.versionedName(), store.write(view.versionedName(), chunk));
            freshness.written(view.versionedName(), chunk);
        }
        meters.counter(MetricNames.FEATURE_PUSH_ROWS, MetricNames.TAG_SOURCE, pushSource).increment(rows.rowCount());
        return written;
    }

    private OnlineStore online() {
        OnlineStore store = online;
        if (store != null) {
            return store;
        }
        synchronized (this) {
            if (online == null) {
                online = new RocksDbOnlineStore(root.resolve("online"));
            }
            return online;
        }
    }

    /** Closes the stores this store opened itself. */
    @Override
    public synchronized void close() {
        if (ownsOnline && online != null) {
            online.close();
            online = null;
        }
        if (ownsOffline) {
            offline.close();
        }
    }

    @Override
    public FeatureStatistics computeStatistics(String view, int version) {
        Name.check("feature view", view);
        Definitions.Stored stored = applied.load();
        FeatureView found = stored.views.get(view + "@" + version);
        if (found == null) {
            throw new NotFoundException("feature view", view + "@" + version, "applied: " + stored.views.keySet());
        }
        FeatureStatistics stats = offline.statistics(ViewQuery.allFields(found, stored.joinKeys(found)), clock.instant());
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

}
