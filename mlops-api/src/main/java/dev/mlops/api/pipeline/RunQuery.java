package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which runs {@link Pipelines#runs(RunQuery)} returns: those of one pipeline, optionally in some
 * states and started within a time range, newest first, at most {@code limit}.
 *
 * <pre>{@code
 * List<PipelineRun> failures = mlops.pipelines().runs(RunQuery.of("train-movie-rater")
 *         .states(RunState.FAILED)
 *         .startedAfter(Instant.now().minus(Duration.ofDays(7)))
 *         .limit(20));
 * }</pre>
 *
 * @param pipeline the pipeline name
 * @param states the states wanted; empty for all
 * @param startedAfter the earliest start included, or {@code null}
 * @param startedBefore the first start excluded, or {@code null}
 * @param limit the most runs returned
 * @since 0.1.0
 */
public record RunQuery(String pipeline, Set<RunState> states, @Nullable Instant startedAfter,
        @Nullable Instant startedBefore, int limit) {

    /**
     * Checks the query.
     *
     * @param pipeline the pipeline name
     * @param states the states wanted
     * @param startedAfter the earliest start included
     * @param startedBefore the first start excluded
     * @param limit the most runs returned, between 1 and 100,000
     */
    public RunQuery {
        Name.check("query.pipeline", pipeline);
        states = Set.copyOf(Checks.notNull("query.states", states));
        Checks.inRange("query.limit", limit, 1, 100_000);
    }

    /**
     * Every run of a pipeline, newest first, at most 100.
     *
     * @param pipeline the pipeline name
     * @return the query
     */
    public static RunQuery of(String pipeline) {
        return new RunQuery(pipeline, Set.of(), null, null, 100);
    }

    /**
     * Narrows to runs in these states.
     *
     * @param first a state
     * @param more more states
     * @return a new query
     */
    public RunQuery states(RunState first, RunState... more) {
        return new RunQuery(pipeline, EnumSet.of(first, more), startedAfter, startedBefore, limit);
    }

    /**
     * Narrows to runs started at or after an instant.
     *
     * @param instant the earliest start
     * @return a new query
     */
    public RunQuery startedAfter(Instant instant) {
        return new RunQuery(pipeline, states, Checks.notNull("query.startedAfter", instant), startedBefore, limit);
    }

    /**
     * Narrows to runs started before an instant.
     *
     * @param instant the first start excluded
     * @return a new query
     */
    public RunQuery startedBefore(Instant instant) {
        return new RunQuery(pipeline, states, startedAfter, Checks.notNull("query.startedBefore", instant), limit);
    }

    /**
     * Sets the most runs returned.
     *
     * @param max between 1 and 100,000
     * @return a new query
     */
    public RunQuery limit(int max) {
        return new RunQuery(pipeline, states, startedAfter, startedBefore, max);
    }

    /**
     * Tells whether a run matches.
     *
     * @param run a run of any pipeline
     * @return {@code true} if it matches every condition
     */
    public boolean matches(PipelineRun run) {
        return run.pipeline().equals(pipeline)
                && (states.isEmpty() || states.contains(run.state()))
                && Optional.ofNullable(startedAfter).map(t -> !run.startedAt().isBefore(t)).orElse(true)
                && Optional.ofNullable(startedBefore).map(t -> run.startedAt().isBefore(t)).orElse(true);
    }
}
