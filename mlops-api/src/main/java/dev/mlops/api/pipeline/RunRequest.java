package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one run, given to {@link Pipelines#start(Pipeline, java.util.function.Consumer)}.
 *
 * <pre>{@code
 * mlops.pipelines().run(pipeline, r -> r
 *         .param(minStars, 3)
 *         .dataInterval(DataInterval.of(day, day.plus(Duration.ofDays(1))))
 *         .listener(progressListener));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RunRequest {
    private final Map<String, Object> params = new LinkedHashMap<>();
    private @Nullable String runId;
    private @Nullable DataInterval dataInterval;
    private boolean durable = true;
    private @Nullable RunListener listener;

    /** Creates an empty request; the runner passes it to the caller's configurer. */
    public RunRequest() {
    }

    /**
     * Gives a parameter value.
     *
     * @param param a parameter of the pipeline
     * @param value its value
     * @param <T> its type
     * @return this request
     */
    public <T> RunRequest param(Param<T> param, T value) {
        Checks.notNull("param", param);
        params.put(param.name(), value);
        return this;
    }

    /**
     * Gives a parameter value by name, e.g. from a command line or a trigger event; the type is
     * checked when the run starts.
     *
     * @param name the parameter name
     * @param value its value
     * @return this request
     */
    public RunRequest param(String name, Object value) {
        Checks.notNull("param name", name);
        params.put(name, value);
        return this;
    }

    /**
     * Sets the run id; by default a new unique id.
     *
     * @param runId a valid {@link Name}, unique among the pipeline's runs
     * @return this request
     */
    public RunRequest runId(String runId) {
        this.runId = Name.check("runId", runId);
        return this;
    }

    /**
     * Sets the slice of time the run processes; by default the empty interval at the start time.
     *
     * @param interval the interval
     * @return this request
     */
    public RunRequest dataInterval(DataInterval interval) {
        this.dataInterval = Checks.notNull("dataInterval", interval);
        return this;
    }

    /**
     * Sets the logical date alone: the data interval becomes the empty interval at that instant.
     *
     * @param logicalDate the time the run stands for
     * @return this request
     */
    public RunRequest logicalDate(Instant logicalDate) {
        Checks.notNull("logicalDate", logicalDate);
        return dataInterval(DataInterval.of(logicalDate, logicalDate));
    }

    /**
     * Turns journaling off (or on again): a run that is not durable cannot be resumed, but skips the
     * encoding and fsync of each step's output.
     *
     * @param durable {@code true} by default
     * @return this request
     */
    public RunRequest durable(boolean durable) {
        this.durable = durable;
        return this;
    }

    /**
     * Follows the run with a listener.
     *
     * @param listener the listener
     * @return this request
     */
    public RunRequest listener(RunListener listener) {
        this.listener = Checks.notNull("listener", listener);
        return this;
    }

    /**
     * The parameter values given, by name.
     *
     * @return the values
     */
    public Map<String, Object> params() {
        return params;
    }

    /**
     * The run id given.
     *
     * @return the id, or {@code null} for a generated one
     */
    public @Nullable String runId() {
        return runId;
    }

    /**
     * The data interval given.
     *
     * @return the interval, or {@code null} for the default
     */
    public @Nullable DataInterval dataInterval() {
        return dataInterval;
    }

    /**
     * Tells whether the run is journaled.
     *
     * @return {@code true} unless turned off
     */
    public boolean durable() {
        return durable;
    }

    /**
     * The listener given.
     *
     * @return the listener, or {@code null}
     */
    public @Nullable RunListener listener() {
        return listener;
    }
}
