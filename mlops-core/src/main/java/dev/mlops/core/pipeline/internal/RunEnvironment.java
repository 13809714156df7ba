package dev.mlops.core.pipeline.internal;

import dev.mlops.api.event.Event;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.platform.JsonCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What every run of one runner shares: threads, pools, storage, codecs, metrics and events. */
public record RunEnvironment(Platform platform, JsonCodec json, StepOutputs outputs, ExecutorService executor,
        ScheduledExecutorService scheduler, Map<String, Gate> pools, MeterRegistry meters, Path root,
        Consumer<Event> events, Consumer<RunExecution> onDone) {

    /** The directory of one pipeline's runs and cache. */
    public Path pipelineDir(String pipeline) {
        return root.resolve(pipeline);
    }

    /** The directory of one run. */
    public Path runDir(String pipeline, String runId) {
        return pipelineDir(pipeline).resolve("runs").resolve(runId);
    }
}
