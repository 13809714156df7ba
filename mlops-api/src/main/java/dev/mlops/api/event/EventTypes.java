package dev.mlops.api.event;

import java.util.List;

/**
 * The type of every event the SDK publishes, defined once. Types follow
 * {@code dev.mlops.<area>.<entity>.<what-happened>}; subscribe to an area with a pattern such as
 * {@code dev.mlops.model.**}. Applications use their own prefix for their own events.
 *
 * <pre>{@code
 * bus.subscribe(EventTypes.MODEL_ALIAS_CHANGED, e -> endpoint.reload());
 * bus.subscribe("dev.mlops.monitor.**", alerts::forward);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EventTypes {
    /** The prefix of every SDK event type. */
    public static final String PREFIX = "dev.mlops.";

    /** A platform finished starting; subject: the platform name. */
    public static final String PLATFORM_STARTED = "dev.mlops.platform.started";
    /** A platform is closing; the last event it publishes. */
    public static final String PLATFORM_STOPPING = "dev.mlops.platform.stopping";

    /** A pipeline run started; subject: the run id. */
    public static final String PIPELINE_RUN_STARTED = "dev.mlops.pipeline.run.started";
    /** A pipeline run ended with every step succeeded or skipped; subject: the run id. */
    public static final String PIPELINE_RUN_FINISHED = "dev.mlops.pipeline.run.finished";
    /** A pipeline run ended with a failed step; subject: the run id. */
    public static final String PIPELINE_RUN_FAILED = "dev.mlops.pipeline.run.failed";
    /** A pipeline run was cancelled; subject: the run id. */
    public static final String PIPELINE_RUN_CANCELLED = "dev.mlops.pipeline.run.cancelled";
    /** A pipeline step succeeded; subject: the run id. */
    public static final String PIPELINE_STEP_FINISHED = "dev.mlops.pipeline.step.finished";
    /** A pipeline step failed after its last attempt; subject: the run id. */
    public static final String PIPELINE_STEP_FAILED = "dev.mlops.pipeline.step.failed";
    /** A dataset passed its expectations in a pipeline step; subject: the dataset. */
    public static final String DATA_VALIDATION_PASSED = "dev.mlops.pipeline.validation.passed";
    /** A data validation found rows that break its checks; subject: the dataset. */
    public static final String DATA_VALIDATION_FAILED = "dev.mlops.pipeline.validation.failed";

    /** A feature view was applied (created or changed); subject: the view name. */
    public static final String FEATURE_VIEW_APPLIED = "dev.mlops.feature.view.applied";
    /** Features were materialized into the online store; subject: the view name. */
    public static final String FEATURE_MATERIALIZED = "dev.mlops.feature.view.materialized";

    /** A tracked experiment run ended; subject: the run id. */
    public static final String TRACKING_RUN_FINISHED = "dev.mlops.tracking.run.finished";

    /** A model version was registered; subject: the model name. */
    public static final String MODEL_VERSION_CREATED = "dev.mlops.model.version.created";
    /** An alias (e.g. champion) now points at another version; subject: the model name. */
    public static final String MODEL_ALIAS_CHANGED = "dev.mlops.model.alias.changed";
    /** A version moved to another stage; subject: the model name. */
    public static final String MODEL_STAGE_CHANGED = "dev.mlops.model.stage.changed";
    /** A promotion gate rejected a version; subject: the model name. */
    public static final String MODEL_PROMOTION_REJECTED = "dev.mlops.model.promotion.rejected";

    /** A serving endpoint started serving a model version; subject: the endpoint name. */
    public static final String SERVING_ENDPOINT_DEPLOYED = "dev.mlops.serving.endpoint.deployed";
    /** A serving endpoint swapped its model without downtime; subject: the endpoint name. */
    public static final String SERVING_MODEL_SWAPPED = "dev.mlops.serving.model.swapped";

    /** Drift beyond a threshold was detected; subject: the monitored model or feature view. */
    public static final String MONITOR_DRIFT_DETECTED = "dev.mlops.monitor.drift.detected";
    /** A model's performance on labelled predictions fell below its threshold; subject: the model. */
    public static final String MONITOR_PERFORMANCE_DEGRADED = "dev.mlops.monitor.performance.degraded";
    /** An alert started firing; subject: the alert name. */
    public static final String MONITOR_ALERT_FIRED = "dev.mlops.monitor.alert.fired";
    /** A firing alert resolved; subject: the alert name. */
    public static final String MONITOR_ALERT_RESOLVED = "dev.mlops.monitor.alert.resolved";

    private static final List<String> ALL = List.of(PLATFORM_STARTED, PLATFORM_STOPPING,
            PIPELINE_RUN_STARTED, PIPELINE_RUN_FINISHED, PIPELINE_RUN_FAILED, PIPELINE_RUN_CANCELLED,
            PIPELINE_STEP_FINISHED,
            PIPELINE_STEP_FAILED, DATA_VALIDATION_PASSED, DATA_VALIDATION_FAILED, FEATURE_VIEW_APPLIED, FEATURE_MATERIALIZED,
            TRACKING_RUN_FINISHED, MODEL_VERSION_CREATED, MODEL_ALIAS_CHANGED, MODEL_STAGE_CHANGED,
            MODEL_PROMOTION_REJECTED,
            SERVING_ENDPOINT_DEPLOYED, SERVING_MODEL_SWAPPED, MONITOR_DRIFT_DETECTED, MONITOR_PERFORMANCE_DEGRADED,
            MONITOR_ALERT_FIRED, MONITOR_ALERT_RESOLVED);

    private EventTypes() {
    }

    /**
     * Every event type the SDK publishes.
     *
     * @return the types, unmodifiable
     */
    public static List<String> all() {
        return ALL;
    }
}
