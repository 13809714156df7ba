package dev.mlops.core.platform;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;
import java.util.Optional;
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
    /** Counter: events a distributed bus could not send to its broker; tags bus, type. */
    public static final String EVENT_SEND_FAILED = "mlops.event.send.failed";
    /** Counter: redelivered events a subscription skipped as already handled; tags bus, type. */
    public static final String EVENT_DUPLICATES = "mlops.event.duplicates";
    /** Counter: events sent to the dead-letter topic after their listener kept failing; tags bus, type. */
    public static final String EVENT_DEAD_LETTERED = "mlops.event.dead_lettered";
    /** Gauge: records a subscription is behind the end of the topic; tags bus, {@link #TAG_GROUP}. */
    public static final String EVENT_LAG = "mlops.event.lag";
    /** Timer: pipeline runs by {@link #TAG_PIPELINE} and {@link #TAG_STATE}. */
    public static final String PIPELINE_RUN_DURATION = "mlops.pipeline.run.duration";
    /** Gauge: runs in progress. */
    public static final String PIPELINE_RUNS_ACTIVE = "mlops.pipeline.runs.active";
    /** Timer: step attempts by {@link #TAG_PIPELINE}, {@link #TAG_STEP} and {@link #TAG_OUTCOME}. */
    public static final String PIPELINE_STEP_DURATION = "mlops.pipeline.step.duration";
    /** Counter: step retries; tags pipeline, step. */
    public static final String PIPELINE_STEP_RETRIES = "mlops.pipeline.step.retries";
    /** Counter: steps answered from the cache; tags pipeline, step. */
    public static final String PIPELINE_STEP_CACHE_HITS = "mlops.pipeline.step.cache.hits";
    /** Counter: events that fired a trigger (type and condition matched), each once by {@link #TAG_TRIGGER}, {@link #TAG_OUTCOME}. */
    public static final String PIPELINE_TRIGGER_FIRED = "mlops.pipeline.trigger.fired";
    /** Counter: data validations by {@link #TAG_DATASET} and {@link #TAG_OUTCOME} ({@code passed}, {@code failed}). */
    public static final String DATA_VALIDATIONS = "mlops.data.validations";
    /** Counter: rows validated by {@link #TAG_DATASET} and {@link #TAG_OUTCOME} ({@code checked}, {@code quarantined}). */
    public static final String DATA_VALIDATION_ROWS = "mlops.data.validation.rows";
    /** Counter: failed expectations; tag {@link #TAG_DATASET}. */
    public static final String DATA_FAILED_EXPECTATIONS = "mlops.data.failed.expectations";
    /** Counter: rows pushed to a feature store push source; tag {@link #TAG_SOURCE}. */
    public static final String FEATURE_PUSH_ROWS = "mlops.feature.push.rows";
    /** Counter: rows of pushes refused by validation (nothing of such a push is written); tag {@link #TAG_SOURCE}. */
    public static final String FEATURE_PUSH_REJECTED = "mlops.feature.push.rejected";
    /** Counter: stream records by {@link #TAG_STREAM} and {@link #TAG_OUTCOME} ({@code ingested}, {@code late}, {@code dead_lettered}). */
    public static final String FEATURE_STREAM_RECORDS = "mlops.feature.stream.records";
    /** Counter: rows handed to the online store by materialization; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_MATERIALIZED_ROWS = "mlops.feature.materialized.rows";
    /** Counter: source rows materialization left out for a missing event time or join key; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_MATERIALIZE_REFUSED = "mlops.feature.materialize.refused";
    /** Counter: online feature values returned, one per value; tags {@link #TAG_VIEW}, {@link #TAG_STATUS}. */
    public static final String FEATURE_LOOKUPS = "mlops.feature.lookups";
    /** Gauge: seconds since the newest event time put online for a view, from its first data on; tag {@link #TAG_VIEW}. */
    public static final String FEATURE_FRESHNESS = "mlops.feature.freshness";
    /** Counter: model registry operations; tags {@link #TAG_OPERATION}, {@link #TAG_OUTCOME}. */
    public static final String REGISTRY_OPERATIONS = "mlops.model.registry.operations";
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
    /** Counter: stream records by {@link #TAG_STREAM} and {@link #TAG_OUTCOME} ({@code scored}, {@code retried}, {@code dead_lettered}). */
    public static final String STREAM_RECORDS = "mlops.serving.stream.records";
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

    /** Tag: the name of a stream scorer or stream ingestor. */
    public static final String TAG_STREAM = "stream";
    /** Tag: a Kafka consumer group. */
    public static final String TAG_GROUP = "group";
    /** Tag: a pipeline's name. */
    public static final String TAG_PIPELINE = "pipeline";
    /** Tag: a pipeline step's name. */
    public static final String TAG_STEP = "step";
    /** Tag: a trigger's name. */
    public static final String TAG_TRIGGER = "trigger";
    /** Tag: how a run ended. */
    public static final String TAG_STATE = "state";
    /** Tag: a validated dataset's name. */
    public static final String TAG_DATASET = "dataset";
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
     * {@code failed}, and for a promotion {@code promoted} or {@code rejected}), or of an event that fired a trigger
     * ({@code started}, {@code skipped_active}, {@code debounced}, {@code cooled_down}, {@code duplicate}, {@code failed}).
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
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry(EVENT_PUBLISHED, "Events accepted by a bus"),
            Map.entry(EVENT_REJECTED, "Events refused because a subscription's queue was full"),
            Map.entry(EVENT_DELIVERED, "Events a listener handled"),
            Map.entry(EVENT_FAILED, "Events whose listener threw"),
            Map.entry(EVENT_DROPPED, "Events dropped undelivered"),
            Map.entry(EVENT_PENDING, "Events queued and not yet handled"),
            Map.entry(EVENT_SUBSCRIPTIONS, "Active subscriptions"),
            Map.entry(EVENT_SEND_FAILED, "Events a distributed bus could not send"),
            Map.entry(EVENT_DUPLICATES, "Redelivered events skipped as already handled"),
            Map.entry(EVENT_DEAD_LETTERED, "Events sent to the dead-letter topic"),
            Map.entry(EVENT_LAG, "Records a subscription is behind the end of the topic"),
            Map.entry(PIPELINE_RUN_DURATION, "Pipeline runs by final state"),
            Map.entry(PIPELINE_RUNS_ACTIVE, "Pipeline runs in progress"),
            Map.entry(PIPELINE_STEP_DURATION, "Pipeline step attempts by outcome"),
            Map.entry(PIPELINE_STEP_RETRIES, "Pipeline step retries"),
            Map.entry(PIPELINE_STEP_CACHE_HITS, "Pipeline steps answered from the cache"),
            Map.entry(PIPELINE_TRIGGER_FIRED, "Events that fired a trigger, by outcome"),
            Map.entry(DATA_VALIDATIONS, "Data validations by outcome"),
            Map.entry(DATA_VALIDATION_ROWS, "Rows validated, and rows quarantined"),
            Map.entry(DATA_FAILED_EXPECTATIONS, "Expectations that failed"),
            Map.entry(FEATURE_PUSH_ROWS, "Rows pushed to a push source"),
            Map.entry(FEATURE_PUSH_REJECTED, "Pushes refused"),
            Map.entry(FEATURE_STREAM_RECORDS, "Stream records ingested into a feature view, dropped as late or dead-lettered"),
            Map.entry(FEATURE_MATERIALIZED_ROWS, "Rows materialized into the online store"),
            Map.entry(FEATURE_MATERIALIZE_REFUSED, "Source rows materialization left out"),
            Map.entry(FEATURE_LOOKUPS, "Online feature values served, by status"),
            Map.entry(FEATURE_FRESHNESS, "Age of the newest online data of a view"),
            Map.entry(REGISTRY_OPERATIONS, "Model registry operations by outcome"),
            Map.entry(SERVING_QUEUE_WAIT, "Time requests waited for their batch"),
            Map.entry(SERVING_COMPUTE, "Time of a batch's model call"),
            Map.entry(SERVING_BATCH_SIZE, "Requests per batch"),
            Map.entry(SERVING_REQUESTS, "Serving requests by route and outcome"),
            Map.entry(STREAM_RECORDS, "Stream records scored, retried or dead-lettered"),
            Map.entry(SERVING_MODELS_LOADED, "Model versions an endpoint holds loaded"),
            Map.entry(MONITOR_ALERTS, "Alerts by sink and outcome"),
            Map.entry(MONITOR_OBSERVATIONS, "Predictions offered to a monitor by outcome"),
            Map.entry(MONITOR_WINDOWS, "Monitor windows tested for drift"),
            Map.entry(MONITOR_DRIFT_SCORE, "Last window's drift score (p-value or distance)"),
            Map.entry(MONITOR_DRIFT_SHARE, "Share of features that drifted in the last window"),
            Map.entry(MONITOR_PERFORMANCE, "Last performance window's metric"),
            Map.entry(MONITOR_LABELS, "Labels joined to predictions, by outcome"));

    private MetricNames() {
    }

    /**
     * The description of an SDK metric, as Prometheus shows in {@code # HELP}.
     *
     * @param name the metric name
     * @return the description, if the name is one of this class's
     */
    public static Optional<String> description(String name) {
        return Optional.ofNullable(DESCRIPTIONS.get(name));
    }

    /**
     * A meter filter that gives every SDK meter registered without a description its
     * {@link #description(String)}; {@link MlopsPlatform} adds it to its registry.
     *
     * <pre>{@code
     * prometheus.config().meterFilter(MetricNames.descriptions());
     * }</pre>
     *
     * @return the filter
     */
    public static MeterFilter descriptions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = DESCRIPTIONS.get(id.getName());
                return id.getDescription() != null || description == null ? id
                        : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description,
                                id.getType());
            }
        };
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
