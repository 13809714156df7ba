package dev.mlops.api.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs pipelines and keeps their history. Steps run in parallel as soon as their inputs are ready;
 * a durable run journals each step's outcome and output under the platform home before the step
 * counts as done, so that {@link #resume(Pipeline, String)} can finish it after a crash without
 * running a succeeded step again.
 *
 * <pre>{@code
 * Pipelines pipelines = mlops.pipelines();
 * PipelineRun run = pipelines.run(pipeline, r -> r.param(minStars, 3));
 * RunHandle handle = pipelines.start(pipeline);              // asynchronous
 * PipelineRun finished = pipelines.resume(pipeline, "run-42").await();
 * List<PipelineRun> lastWeek = pipelines.runs(RunQuery.of(pipeline.name()).startedAfter(weekAgo));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Pipelines {
    /**
     * Starts a run.
     *
     * @param pipeline the pipeline
     * @param request sets parameters, data interval, run id, durability and a listener
     * @return the running run
     * @throws dev.mlops.api.ValidationException if a parameter is unknown, missing, of the wrong type
     *     or breaks its check; nothing is started then
     * @throws dev.mlops.api.ConflictException if the run id is taken, or a pool is already declared
     *     with another size by another pipeline
     */
    RunHandle start(Pipeline pipeline, Consumer<RunRequest> request);

    /**
     * Starts a run with default settings.
     *
     * @param pipeline the pipeline
     * @return the running run
     */
    default RunHandle start(Pipeline pipeline) {
        return start(pipeline, r -> { });
    }

    /**
     * Runs a pipeline and waits for the result.
     *
     * @param pipeline the pipeline
     * @param request sets parameters, data interval, run id, durability and a listener
     * @return the finished run
     */
    default PipelineRun run(Pipeline pipeline, Consumer<RunRequest> request) {
        return start(pipeline, request).await();
    }

    /**
     * Runs a pipeline with default settings and waits for the result.
     *
     * @param pipeline the pipeline
     * @return the finished run
     */
    default PipelineRun run(Pipeline pipeline) {
        return run(pipeline, r -> { });
    }

    /**
     * Finishes a durable run that crashed, failed or was cancelled: steps that succeeded keep their
     * journaled outputs and are not run again; the others run.
     *
     * @param pipeline the pipeline the run was started with (same step names)
     * @param runId the run id
     * @return the running run
     * @throws dev.mlops.api.NotFoundException if there is no journal for the run
     * @throws dev.mlops.api.ConflictException if the run is running in this JVM or already succeeded
     */
    RunHandle resume(Pipeline pipeline, String runId);

    /**
     * Runs a pipeline on a schedule. Each run covers one data interval, gets the run id
     * {@code scheduled-<interval start, UTC, yyyyMMdd't'HHmmss>}, and starts once its interval has
     * ended. The schedule's progress is kept under the platform home, so a restarted application
     * back-fills what it missed (with catch-up) and never runs an interval twice.
     *
     * @param pipeline the pipeline
     * @param schedule when it runs
     * @param options start, catch-up, active-run limit, poll interval, parameters
     * @return the scheduled pipeline
     * @throws dev.mlops.api.ValidationException if a parameter is invalid (checked now, once)
     * @throws dev.mlops.api.ConflictException if the pipeline is already scheduled in this runner
     */
    ScheduledPipeline schedule(Pipeline pipeline, Schedule schedule, Consumer<ScheduleOptions> options);

    /**
     * Queries the run history.
     *
     * @param query which runs
     * @return matching runs, newest first, without outputs
     */
    List<PipelineRun> runs(RunQuery query);

    /**
     * One run of the history.
     *
     * @param pipeline the pipeline name
     * @param runId the run id
     * @return the run without outputs, if it exists
     */
    Optional<PipelineRun> find(String pipeline, String runId);
}
