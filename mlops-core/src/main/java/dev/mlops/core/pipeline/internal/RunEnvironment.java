package dev.mlops.core.pipeline.internal;

import dev.mlops.api.event.Event;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What every run of one runner shares: threads, pools, storage, codecs, metrics and events. */
public record RunEnvironment(Platform platform, JsonCodec json, StepOutputs outputs, ExecutorService executor,
        ScheduledExecutorService scheduler, Map<String, Gate> pools, MeterRegistry meters, Path root,
        Consumer<Event> events, Consumer<RunExecution> onDone, Map<MeterKey, Meter> meterCache) {

    /** A meter of one pipeline step (or run), registered once and then found by identity. */
    public record MeterKey(String name, Object subject, String qualifier) {
    }

    /** The timer {@code name} with tags pipeline, step and outcome, for a step of a pipeline. */
    public Timer stepTimer(String name, String pipeline, Step<?> step, String outcome) {
        return (Timer) meterCache.computeIfAbsent(new MeterKey(name, step, outcome), k -> Timer.builder(name)
                .tags("pipeline", pipeline, "step", step.name(), "outcome", outcome).register(meters));
    }

    /** The counter {@code name} with tags pipeline and step. */
    public Counter stepCounter(String name, String pipeline, Step<?> step) {
        return (Counter) meterCache.computeIfAbsent(new MeterKey(name, step, ""), k -> Counter.builder(name)
                .tags("pipeline", pipeline, "step", step.name()).register(meters));
    }

    /** The run timer with tags pipeline and state. */
    public Timer runTimer(String pipeline, String state) {
        return (Timer) meterCache.computeIfAbsent(new MeterKey(MetricNames.PIPELINE_RUN_DURATION, pipeline, state),
                k -> Timer.builder(MetricNames.PIPELINE_RUN_DURATION).tags("pipeline", pipeline, "state", state)
                        .register(meters));
    }

    /** The directory of one pipeline's runs and cache. */
    public Path pipelineDir(String pipeline) {
        return root.resolve(pipeline);
    }

    /** The directory of one run. */
    public Path runDir(String pipeline, String runId) {
        return pipelineDir(pipeline).resolve("runs").resolve(runId);
    }
}
