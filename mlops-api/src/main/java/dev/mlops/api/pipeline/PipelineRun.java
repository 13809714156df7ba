package dev.mlops.api.pipeline;

import dev.mlops.api.Nullable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of a run at one moment: a snapshot while it runs, the result once it is done, or an
 * entry of the run history. Outputs are present for runs executed or resumed in this JVM.
 *
 * <pre>{@code
 * PipelineRun run = mlops.pipelines().run(pipeline);
 * if (run.state() == RunState.SUCCEEDED) {
 *     Integer count = run.output(countStep).orElseThrow();
 * } else {
 *     run.steps().stream().filter(s -> s.state() == StepState.FAILED).forEach(s -> log.error("{}", s.error()));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PipelineRun {
    private final String runId;
    private final String pipeline;
    private final RunState state;
    private final Map<String, Object> params;
    private final DataInterval dataInterval;
    private final Instant startedAt;
    private final @Nullable Instant endedAt;
    private final List<StepRun> steps;
    private final Map<String, Object> outputs;

    /**
     * Creates a snapshot.
     *
     * @param runId the run id
     * @param pipeline the pipeline name
     * @param state the run state
     * @param params the parameter values by name
     * @param dataInterval the data interval
     * @param startedAt when the run started
     * @param endedAt when it ended, or {@code null} while it runs
     * @param steps what happened to each step, in pipeline order
     * @param outputs outputs by step name (values may be {@code null})
     */
    public PipelineRun(String runId, String pipeline, RunState state, Map<String, Object> params,
            DataInterval dataInterval, Instant startedAt, @Nullable Instant endedAt, List<StepRun> steps,
            Map<String, Object> outputs) {
        this.runId = runId;
        this.pipeline = pipeline;
        this.state = state;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.dataInterval = dataInterval;
        this.startedAt = startedAt;
        this.endedAt = endedAt;
        this.steps = List.copyOf(steps);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * The run id.
     *
     * @return the id
     */
    public String runId() {
        return runId;
    }

    /**
     * The pipeline name.
     *
     * @return the name
     */
    public String pipeline() {
        return pipeline;
    }

    /**
     * The run state.
     *
     * @return the state
     */
    public RunState state() {
        return state;
    }

    /**
     * The parameter values the run used, defaults included.
     *
     * @return values by name
     */
    public Map<String, Object> params() {
        return params;
    }

    /**
     * The slice of time the run processes.
     *
     * @return the interval
     */
    public DataInterval dataInterval() {
        return dataInterval;
    }

    /**
     * The time the run stands for.
     *
     * @return the start of the data interval
     */
    public Instant logicalDate() {
        return dataInterval.start();
    }

    /**
     * When the run started.
     *
     * @return the start time
     */
    public Instant startedAt() {
        return startedAt;
    }

    /**
     * When the run ended.
     *
     * @return the end time, or empty while it runs
     */
    public Optional<Instant> endedAt() {
        return Optional.ofNullable(endedAt);
    }

    /**
     * What happened to each step, in pipeline order (mapped instances after their step).
     *
     * @return the step runs
     */
    public List<StepRun> steps() {
        return steps;
    }

    /**
     * One step's run.
     *
     * @param name a step name, or {@code step[i]} for a mapped instance
     * @return the step run, if the run has it
     */
    public Optional<StepRun> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * A step's output.
     *
     * @param step a step of this run's pipeline
     * @param <T> the output type
     * @return the output, or empty if the step did not succeed, returned {@code null}, or the run was
     *     read from history
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> output(Step<T> step) {
        return Optional.ofNullable((T) outputs.get(step.name()));
    }

    @Override
    public String toString() {
        return "PipelineRun[" + pipeline + "/" + runId + " " + state + "]";
    }
}
