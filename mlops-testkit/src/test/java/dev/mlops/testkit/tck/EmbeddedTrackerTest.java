package dev.mlops.testkit.tck;

import static dev.mlops.testkit.MlopsAssertions.assertThat;

import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.tracking.EmbeddedTracker;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedTrackerTest extends TrackerTck {

    @Override
    protected Tracker createTracker(Path dir, RecordingEventBus bus, TestClock testClock) {
        return new EmbeddedTracker(dir.resolve("tracking"), LocalArtifactStore.at(dir.resolve("artifacts"), JsonCodec.create()),
                JsonCodec.create(), testClock, bus);
    }

    @Test
    void aStepAfterOneThatEndedTheRunLogsOnAndTornLinesAreSkipped() throws java.io.IOException {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(scratch.resolve("home")).clock(clock).build()) {
            var p = Pipeline.builder("two-steps");
            Step<String> first = p.step("first", ctx -> {
                var run = mlops.tracker().runFor(ctx);
                run.logMetric("loss", 0.9, 100);
                run.close();
                java.nio.file.Files.writeString(scratch.resolve("home/tracking/two-steps/runs/" + run.id() + "/metrics.jsonl"),
                        "{\"key\":\"lo", java.nio.file.StandardOpenOption.APPEND);
                return run.id();
            });
            Step<String> second = p.step("second", first, (ctx, id) -> {
                mlops.tracker().runFor(ctx).logMetric("loss", 0.5);
                return id;
            });
            PipelineRun run = mlops.pipelines().run(p.build());
            assertThat(run).succeeded();
            RunInfo info = mlops.tracker().findRun(run.output(second).orElseThrow()).orElseThrow();
            assertThat(info.metrics().get("loss")).extracting(dev.mlops.api.tracking.MetricPoint::step).containsExactly(100L, 101L);
        }
    }

    @Test
    void everyStepOfAPipelineRunLogsToOneTrackingRun() {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(scratch.resolve("home")).clock(clock).build()) {
            var p = Pipeline.builder("train-movie-rater");
            Step<String> prepare = p.step("prepare", ctx -> {
                mlops.tracker().runFor(ctx).logParam("rows", "100");
                return mlops.tracker().runFor(ctx).id();
            });
            Step<String> train = p.step("train", prepare, (ctx, id) -> {
                mlops.tracker().runFor(ctx).logMetric("rmse", 0.84);
                return mlops.tracker().runFor(ctx).id();
            });
            PipelineRun run = mlops.pipelines().run(p.build());
            assertThat(run).succeeded();
            assertThat(run.output(train)).isEqualTo(run.output(prepare));
            RunInfo tracked = mlops.tracker().findRun(run.output(train).orElseThrow()).orElseThrow();
            assertThat(tracked.experiment()).isEqualTo("train-movie-rater");
            assertThat(tracked.tags()).containsEntry("pipeline_run", run.runId());
            assertThat(tracked.params()).containsEntry("rows", "100");
            assertThat(tracked.latest("rmse")).contains(0.84);
        }
    }
}
