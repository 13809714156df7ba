package dev.mlops.core.tracking;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;

/**
 * The rules every {@link dev.mlops.api.tracking.TrackingRun} applies (embedded, MLflow), with the same
 * messages: key and value lengths (MLflow's limits), finite metrics at non-negative steps,
 * write-once parameters, nothing logged after the end.
 *
 * <pre>{@code
 * RunChecks.metric(key, value, step);   // ValidationException("metric loss must be a finite number, was 'NaN'")
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RunChecks {
    private RunChecks() {
    }

    /**
     * Checks a parameter.
     *
     * @param key up to 250 characters
     * @param value up to 6000 characters
     */
    public static void param(String key, String value) {
        Checks.text("param key", key, 250);
        Checks.text("param " + key, value, 6000);
    }

    /**
     * Checks a tag.
     *
     * @param key up to 250 characters
     * @param value up to 5000 characters
     */
    public static void tag(String key, String value) {
        Checks.text("tag key", key, 250);
        Checks.text("tag " + key, value, 5000);
    }

    /**
     * Checks a metric point.
     *
     * @param key up to 250 characters
     * @param value finite
     * @param step not negative
     */
    public static void metric(String key, double value, long step) {
        Checks.text("metric key", key, 250);
        if (!Double.isFinite(value)) {
            throw new ValidationException("metric " + key, "be a finite number", value);
        }
        if (step < 0) {
            throw new ValidationException("metric " + key + " step", "not be negative", step);
        }
    }

    /**
     * The error of a parameter logged again with another value.
     *
     * @param runId the run
     * @param key the parameter
     * @param existing its value
     * @param refused the other value
     * @return the exception to throw
     */
    public static ConflictException paramChanged(String runId, String key, String existing, String refused) {
        return new ConflictException("param '" + key + "' of run " + runId + " is already '" + existing
                + "'; parameters are write-once, refusing '" + refused + "'");
    }

    /**
     * The error of logging to a run that has ended.
     *
     * @param runId the run
     * @param status how it ended
     * @return the exception to throw
     */
    public static ConflictException ended(String runId, Object status) {
        return new ConflictException("tracking run " + runId + " has ended (" + status + "); nothing more can be logged");
    }
}
