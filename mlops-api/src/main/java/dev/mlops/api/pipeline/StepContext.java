package dev.mlops.api.pipeline;

import dev.mlops.api.platform.Platform;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a step body gets besides its inputs: where it runs (run, step, attempt), the time it stands
 * for (logical date, data interval), the run's parameters, a logger, a progress reporter and the
 * platform.
 *
 * <pre>{@code
 * p.step("ingest", ctx -> {
 *     ctx.log().info("loading {} for {}", ctx.param(source), ctx.dataInterval());
 *     for (int page = 1; page <= pages; page++) {
 *         ...
 *         ctx.progress(page, pages, "pages");
 *     }
 *     return rows;
 * });
 * }</pre>
 *
 * @since 0.1.0
 */
public interface StepContext {
    /**
     * The run id.
     *
     * @return the id
     */
    String runId();

    /**
     * The pipeline name.
     *
     * @return the name
     */
    String pipeline();

    /**
     * The step name.
     *
     * @return the name
     */
    String step();

    /**
     * For a mapped step, the index of the element this instance handles.
     *
     * @return the index, or empty for a plain step
     */
    OptionalInt mapIndex();

    /**
     * The attempt, from 1.
     *
     * @return the attempt number
     */
    int attempt();

    /**
     * The time the run stands for: the start of its data interval.
     *
     * @return the logical date
     */
    Instant logicalDate();

    /**
     * The slice of time the run processes.
     *
     * @return the interval
     */
    DataInterval dataInterval();

    /**
     * A parameter's value for this run (given, or its default).
     *
     * @param param a parameter of this pipeline
     * @param <T> its type
     * @return the value; {@code null} only for an optional parameter without default that was not given
     * @throws dev.mlops.api.ValidationException if the parameter belongs to another pipeline
     */
    <T> T param(Param<T> param);

    /**
     * Every parameter value of this run, by name.
     *
     * @return the values, unmodifiable
     */
    Map<String, Object> params();

    /**
     * The step's logger.
     *
     * @return the logger
     */
    StepLog log();

    /**
     * Reports progress of long work; logged every 10 % and passed to the run's {@link RunListener}.
     *
     * @param done units done so far
     * @param total units in all, or 0 if unknown
     * @param unit what is counted, e.g. {@code "rows"}
     */
    void progress(long done, long total, String unit);

    /**
     * Tells whether the run was cancelled; long steps should check it and stop early.
     *
     * @return {@code true} once cancelled
     */
    boolean cancelled();

    /**
     * The platform the run belongs to.
     *
     * @return the platform
     */
    Platform platform();
}
