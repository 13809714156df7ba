package dev.mlops.core.platform;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.util.regex.Pattern;

/**
 * The names and tags of every metric the SDK records with Micrometer. Names follow
 * {@code mlops.<area>.<what>}, where the area is the package area ({@code event}, {@code pipeline},
 * {@code feature}, {@code model}, {@code serving}, {@code monitor}...), in lowercase dotted form;
 * Micrometer turns them into each backend's style ({@code mlops_event_published_total} in
 * Prometheus). Tags have bounded values: names, types and outcomes, never ids.
 *
 * <pre>{@code
 * Counter.builder(MetricNames.EVENT_PUBLISHED).tag(MetricNames.TAG_TYPE, event.type()).register(registry);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MetricNames {
    /** The prefix of every SDK metric. */
    public static final String PREFIX = "mlops.";
    /** The pattern every SDK metric name matches. */
    public static final String PATTERN = "mlops(\\.[a-z][a-z0-9_]*){2,}";

    /** Counter: events accepted by a bus; tags {@link #TAG_BUS}, {@link #TAG_TYPE}. */
    public static final String EVENT_PUBLISHED = "mlops.event.published";
    /** Counter: events refused because a subscription's queue was full; tags bus, type. */
    public static final String EVENT_REJECTED = "mlops.event.rejected";
    /** Counter: events a listener handled without throwing; tags bus, type. */
    public static final String EVENT_DELIVERED = "mlops.event.delivered";
    /** Counter: events whose listener threw; tags bus, type, {@link #TAG_EXCEPTION}. */
    public static final String EVENT_FAILED = "mlops.event.failed";
    /** Counter: events dropped undelivered (unsubscribed, or left when the drain timed out); tag bus. */
    public static final String EVENT_DROPPED = "mlops.event.dropped";
    /** Gauge: events queued and not yet handled; tag bus. */
    public static final String EVENT_PENDING = "mlops.event.pending";
    /** Gauge: active subscriptions; tag bus. */
    public static final String EVENT_SUBSCRIPTIONS = "mlops.event.subscriptions";
    /** Counter: rows pushed to a feature store push source; tag {@link #TAG_SOURCE}. */
    public static final String FEATURE_PUSH_ROWS = "mlops.feature.push.rows";
    /** Counter: rows of pushes refused by validation (nothing of such a push is written); tag {@link #TAG_SOURCE}. */
    public static final String FEATURE_PUSH_REJECTED = "mlops.feature.push.rejected";
    /** Counter: rows handed to the online store by materialization; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_MATERIALIZED_ROWS = "mlops.feature.materialized.rows";
    /** Counter: source rows materialization left out for a missing event time or join key; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_MATERIALIZE_REFUSED = "mlops.feature.materialize.refused";
    /** Counter: online feature values returned, one per value; tags {@link #TAG_VIEW}, {@link #TAG_STATUS}. */
    public static final String FEATURE_LOOKUPS = "mlops.feature.lookups";
    /** Gauge: seconds since the newest event time put online for a view, from its first data on; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_FRESHNESS = "mlops.feature.freshness";
    /** Counter: model registry operations; tags {@link #TAG_OPERATION}, {@link #TAG_OUTCOME}. */
    public static final String REGISTRY_OPERATIONS = "mlops.registry.operations";
    /** Timer: from submission until the request's batch starts; tag {@link #TAG_ENDPOINT}. */
    public static final String SERVING_QUEUE_WAIT = "mlops.serving.queue.wait";
    /** Timer: a batch's model call; tags {@link #TAG_ENDPOINT}, {@link #TAG_ROUTE}. */
    public static final String SERVING_COMPUTE = "mlops.serving.compute";
    /** Distribution: requests per batch; tag {@link #TAG_ENDPOINT}. */
    public static final String SERVING_BATCH_SIZE = "mlops.serving.batch.size";
    /** Counter: requests by {@link #TAG_ENDPOINT}, {@link #TAG_ROUTE} and {@link #TAG_OUTCOME}. */
    public static final String SERVING_REQUESTS = "mlops.serving.requests";
    /** Gauge: model versions an endpoint holds loaded (serving, canary, rollback target); tag {@link #TAG_ENDPOINT}. */
    public static final String SERVING_MODELS_LOADED = "mlops.serving.models.loaded";
    /** Counter: alerts by {@link #TAG_SINK} and {@link #TAG_OUTCOME} ({@code sent}, {@code failed}, {@code suppressed}). */
    public static final String MONITOR_ALERTS = "mlops.monitor.alerts";
    /** Counter: predictions offered to a monitor by {@link #TAG_MODEL} and {@link #TAG_OUTCOME} ({@code sampled}, {@code dropped}). */
    public static final String MONITOR_OBSERVATIONS = "mlops.monitor.observations";
    /** Counter: monitor windows tested for drift; tag {@link #TAG_MODEL}. */
    public static final String MONITOR_WINDOWS = "mlops.monitor.windows";
    /** Gauge: the last window's drift score (p-value or distance); tags {@link #TAG_MODEL}, {@link #TAG_FEATURE}. */
    public static final String MONITOR_DRIFT_SCORE = "mlops.monitor.drift.score";
    /** Gauge: the share of features that drifted in the last window; tag {@link #TAG_MODEL}. */
    public static final String MONITOR_DRIFT_SHARE = "mlops.monitor.drift.share";
    /** Gauge: the last performance window's metric; tags {@link #TAG_MODEL}, {@link #TAG_METRIC}. */
    public static final String MONITOR_PERFORMANCE = "mlops.monitor.performance";
    /** Counter: labels by {@link #TAG_MODEL} and {@link #TAG_OUTCOME} ({@code joined}, {@code late}, {@code expired}, {@code dropped}). */
    public static final String MONITOR_LABELS = "mlops.monitor.labels";

    /** Tag: the name of the event bus. */
    public static final String TAG_BUS = "bus";
    /** Tag: the event type. */
    public static final String TAG_TYPE = "type";
    /** Tag: the simple class name of an exception. */
    public static final String TAG_EXCEPTION = "exception";
    /** Tag: a push source's name. */
    public static final String TAG_SOURCE = "source";
    /** Tag: a view version, e.g. {@code user_stats@1}. */
    public static final String TAG_VIEW = "view";
    /** Tag: a serving endpoint's name. */
    public static final String TAG_ENDPOINT = "endpoint";
    /** Tag: the route a request took ({@code champion}, {@code canary}, {@code fallback}). */
    public static final String TAG_ROUTE = "route";
    /**
     * Tag: how a request ended ({@code ok}, {@code overloaded}, {@code timeout}, {@code invalid}, {@code failed}), or
     * what became of an alert ({@code sent}, {@code failed}, {@code suppressed}), or of a registry operation ({@code ok},
     * {@code failed}, and for a promotion {@code promoted} or {@code rejected}).
     */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag: an alert sink's name, e.g. {@code log} or {@code webhook}. */
    public static final String TAG_SINK = "sink";
    /** Tag: a registered model's name. */
    public static final String TAG_MODEL = "model";
    /** Tag: a feature (column) name. */
    public static final String TAG_FEATURE = "feature";
    /** Tag: an online feature value's status, lower-cased ({@code present}, {@code null}, {@code not_found}, {@code outside_max_age}). */
    public static final String TAG_STATUS = "status";
    /** Tag: a registry operation, e.g. {@code create_version}, {@code set_alias}, {@code promote}. */
    public static final String TAG_OPERATION = "operation";
    /** Tag: a performance metric ({@code rmse}, {@code mae}, {@code accuracy}, {@code auc}). */
    public static final String TAG_METRIC = "metric";

    private static final Pattern NAME = Pattern.compile(PATTERN);

    private MetricNames() {
    }

    /**
     * Checks that a metric name follows the convention.
     *
     * @param name the candidate name, e.g. {@code "mlops.serving.requests"}
     * @return {@code name}
     * @throws ValidationException if the name does not match {@link #PATTERN}
     */
    public static String check(@Nullable String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("metric name", "match " + PATTERN, name);
        }
        return name;
    }
}
