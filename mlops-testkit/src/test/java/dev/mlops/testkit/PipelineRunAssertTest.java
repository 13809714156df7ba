package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RetryPolicy;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.platform.MlopsPlatform;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@MlopsTest
class PipelineRunAssertTest {

    @Test
    void assertsRunsAndStepsWithTheTestClock(MlopsPlatform mlops, TestClock clock, RecordingEventBus events) {
        AtomicInteger calls = new AtomicInteger();
        var p = Pipeline.builder("train");
        Step<Integer> fetch = p.step("fetch", ctx -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky");
            }
            return 1;
        }).retry(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO).build());
        p.step("train", fetch, (ctx, x) -> {
            throw new IllegalStateException("out of memory");
        });
        clock.advance(Duration.ofHours(3));

        PipelineRun run = mlops.pipelines().run(p.build());

        assertThat(run).failed().step("fetch").succeeded().hasAttempts(2);
        assertThat(run).step("train").failed().hasErrorContaining("out of memory").hasAttempts(1);
        assertThat(run.startedAt()).isEqualTo(TestClock.DEFAULT_START.plus(Duration.ofHours(3)));
        assertThat(events).hasPublished("dev.mlops.pipeline.run.started").hasPublished("dev.mlops.pipeline.run.failed");
        assertThatThrownBy(() -> assertThat(run).succeeded())
                .hasMessageContaining("to be SUCCEEDED but was FAILED; steps:")
                .hasMessageContaining("train FAILED java.lang.IllegalStateException: out of memory");
        assertThatThrownBy(() -> assertThat(run).step("nope")).hasMessageContaining("to have step <nope> but it has [fetch, train]");
        assertThatThrownBy(() -> assertThat(run).step("fetch").hasAttempts(1)).hasMessageContaining("to have 1 attempts but it had 2");
        assertThatThrownBy(() -> assertThat(run).step("fetch").wasCacheHit()).hasMessage("Expected step fetch to be a cache hit but it ran");
        assertThatThrownBy(() -> assertThat(run).step("fetch").skipped()).hasMessage("Expected step fetch to be SKIPPED but was SUCCEEDED");
    }
}
