package dev.mlops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Expectations;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RetryPolicy;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.RunListener;
import dev.mlops.api.pipeline.RunQuery;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.pipeline.StepRun;
import dev.mlops.api.pipeline.StepState;
import dev.mlops.api.pipeline.TriggerRule;
import dev.mlops.core.data.CsvFiles;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPipelinesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RetryPolicy QUICK_RETRY = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ZERO).maxBackoff(Duration.ofMillis(1)).build();

    @TempDir
    Path home;
    private MlopsPlatform mlops;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        mlops = MlopsPlatform.builder().home(home).property("pipeline.threads", "4").build();
        mlops.eventBus().subscribe("dev.mlops.pipeline.**", events::add);
    }

    @AfterEach
    void stop() {
        mlops.close();
    }

    private PipelineRun run(Pipeline pipeline) {
        return mlops.pipelines().start(pipeline).await(WAIT);
    }

    private static StepState state(PipelineRun run, String step) {
        return run.step(step).orElseThrow().state();
    }

    @Test
    void runsADiamondPassingTypedOutputs() {
        var p = Pipeline.builder("diamond");
        Step<List<Integer>> ratings = p.step("ingest", ctx -> List.of(4, 5, 3));
        Step<Integer> sum = p.step("sum", ratings, (ctx, r) -> r.stream().mapToInt(Integer::intValue).sum());
        Step<Integer> count = p.step("count", ratings, (ctx, r) -> r.size());
        Step<Double> mean = p.step("mean", sum, count, (ctx, s, n) -> (double) s / n);

        PipelineRun run = run(p.build());

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.output(mean)).contains(4.0);
        assertThat(run.steps()).extracting(StepRun::name).containsExactly("ingest", "sum", "count", "mean");
        assertThat(run.steps()).allSatisfy(s -> assertThat(s.attempts()).hasSize(1));
        assertThat(run.step("mean").orElseThrow().inputFingerprints()).containsOnlyKeys("sum", "count");
        assertThat(run.endedAt()).isPresent();
    }

    @Test
    void runsIndependentStepsInParallel() {
        CountDownLatch both = new CountDownLatch(2);
        var p = Pipeline.builder("parallel");
        p.step("left", ctx -> meet(both));
        p.step("right", ctx -> meet(both));
        assertThat(run(p.build()).state()).isEqualTo(RunState.SUCCEEDED);
    }

    private static boolean meet(CountDownLatch latch) throws InterruptedException {
        latch.countDown();
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other step never ran at the same time");
        }
        return true;
    }

    @Test
    void retriesUntilAnAttemptSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        var p = Pipeline.builder("flaky");
        Step<String> fetch = p.step("fetch", ctx -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset " + ctx.attempt());
            }
            return "ok after " + ctx.attempt();
        }).retry(QUICK_RETRY);

        PipelineRun run = run(p.build());

        assertThat(run.output(fetch)).contains("ok after 3");
        StepRun step = run.step("fetch").orElseThrow();
        assertThat(step.attempts()).hasSize(3);
        assertThat(step.attempts().get(0).error()).contains("java.io.IOException: connection reset 1");
        assertThat(step.attempts().get(2).error()).isEmpty();
        assertThat(mlops.meterRegistry().get("mlops.pipeline.step.retries").counter().count()).isEqualTo(2.0);
    }

    @Test
    void doesNotRetryWhatTheRetryPredicateRejects() {
        var p = Pipeline.builder("strict");
        p.step("parse", ctx -> {
            throw new IllegalArgumentException("bad row 7");
        }).retry(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ZERO)
                .retryOn(e -> e instanceof IOException).build());
        PipelineRun run = run(p.build());
        StepRun parse = run.step("parse").orElseThrow();
        assertThat(parse.state()).isEqualTo(StepState.FAILED);
        assertThat(parse.attempts()).hasSize(1);
        assertThat(parse.cause()).containsInstanceOf(IllegalArgumentException.class);
        assertThat(parse.error()).contains("java.lang.IllegalArgumentException: bad row 7");
    }

    @Test
    void failsAStepPastItsTimeoutAndMarksDownstreamUpstreamFailed() {
        var p = Pipeline.builder("slow");
        Step<Integer> slow = p.step("slow", ctx -> {
            Thread.sleep(60_000);
            return 1;
        }).timeout(Duration.ofMillis(100));
        p.step("after", slow, (ctx, x) -> x + 1);

        PipelineRun run = run(p.build());

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.step("slow").orElseThrow().cause()).containsInstanceOf(OperationTimeoutException.class);
        assertThat(run.step("slow").orElseThrow().error().orElseThrow()).contains("step 'slow' attempt 1 timed out after PT0.1S");
        assertThat(state(run, "after")).isEqualTo(StepState.UPSTREAM_FAILED);
    }

    @Test
    void triggerRulesDecideWhatRunsAfterAFailure() {
        var p = Pipeline.builder("rules");
        Step<Integer> ok = p.step("ok", ctx -> 1);
        Step<Integer> boom = p.step("boom", ctx -> {
            throw new IllegalStateException("boom");
        });
        p.step("default", ok, boom, (ctx, a, b) -> "never");
        Step<String> cleanup = p.step("cleanup", ok, boom, (ctx, a, b) -> "a=" + a + " b=" + b).trigger(TriggerRule.ALL_DONE);
        p.step("alert", boom, (ctx, b) -> "alerted").trigger(TriggerRule.ANY_FAILED);
        p.step("on-success-only", ok, (ctx, a) -> "x").trigger(TriggerRule.ANY_FAILED);
        p.step("none-failed", boom, (ctx, b) -> "x").trigger(TriggerRule.NONE_FAILED);

        PipelineRun run = run(p.build());

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(state(run, "default")).isEqualTo(StepState.UPSTREAM_FAILED);
        assertThat(run.output(cleanup)).contains("a=1 b=null");
        assertThat(state(run, "alert")).isEqualTo(StepState.SUCCEEDED);
        assertThat(state(run, "on-success-only")).isEqualTo(StepState.SKIPPED);
        assertThat(state(run, "none-failed")).isEqualTo(StepState.UPSTREAM_FAILED);
    }

    @Test
    void skipsOnAConditionAndSkippedInputsPropagate() {
        var p = Pipeline.builder("skips");
        Param<Boolean> dryRun = p.param("dry_run", Boolean.class).defaultValue(false);
        Step<Integer> publish = p.step("publish", ctx -> 1).skipIf(ctx -> ctx.param(dryRun));
        p.step("announce", publish, (ctx, x) -> "announced");
        p.step("tidy", publish, (ctx, x) -> "tidied").trigger(TriggerRule.NONE_FAILED);
        Pipeline pipeline = p.build();

        PipelineRun dry = mlops.pipelines().run(pipeline, r -> r.param(dryRun, true));

        assertThat(dry.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(state(dry, "publish")).isEqualTo(StepState.SKIPPED);
        assertThat(state(dry, "announce")).isEqualTo(StepState.SKIPPED);
        assertThat(state(dry, "tidy")).isEqualTo(StepState.SUCCEEDED);
        assertThat(state(mlops.pipelines().run(pipeline), "announce")).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void fansOutOverAListWithinItsParallelismLimit() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        var p = Pipeline.builder("fanout");
        Step<List<Integer>> ids = p.step("ids", ctx -> java.util.stream.IntStream.range(0, 20).boxed().toList());
        Step<List<Integer>> squares = p.map("square", ids, (ctx, id) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(5);
            running.decrementAndGet();
            assertThat(ctx.mapIndex()).hasValue(id);
            return id * id;
        }).maxParallel(3);
        Step<Integer> total = p.step("total", squares, (ctx, s) -> s.stream().mapToInt(Integer::intValue).sum());

        PipelineRun run = run(p.build());

        assertThat(run.output(squares).orElseThrow()).hasSize(20).startsWith(0, 1, 4, 9);
        assertThat(run.output(total)).contains(2470);
        assertThat(peak.get()).isBetween(1, 3);
        assertThat(run.step("square[19]")).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(StepState.SUCCEEDED));
    }

    @Test
    void aFailingInstanceFailsTheMappedStep() {
        var p = Pipeline.builder("fanout-fail");
        Step<List<Integer>> ids = p.step("ids", ctx -> List.of(1, 2, 3));
        p.map("check", ids, (ctx, id) -> {
            if (id == 2) {
                throw new IllegalStateException("id 2 is broken");
            }
            return id;
        });
        PipelineRun run = run(p.build());
        assertThat(state(run, "check")).isEqualTo(StepState.FAILED);
        assertThat(run.step("check").orElseThrow().error().orElseThrow())
                .startsWith("1 of 3 instances failed; first: check[1]: java.lang.IllegalStateException: id 2 is broken");
        assertThat(state(run, "check[0]")).isEqualTo(StepState.SUCCEEDED);
    }

    @Test
    void mapsOverAnEmptyList() {
        var p = Pipeline.builder("fanout-empty");
        Step<List<Integer>> none = p.step("none", ctx -> List.<Integer>of());
        Step<List<Integer>> mapped = p.map("each", none, (ctx, x) -> x);
        assertThat(run(p.build()).output(mapped)).contains(List.of());
    }

    @Test
    void aPoolCapsConcurrentSteps() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        var p = Pipeline.builder("pooled");
        p.pool("db", 1);
        for (int i = 0; i < 4; i++) {
            p.step("load" + i, ctx -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep(10);
                return running.decrementAndGet();
            }).pool("db");
        }
        assertThat(run(p.build()).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(peak.get()).isEqualTo(1);
    }

    @Test
    void cancellingStopsRunningAndQueuedSteps() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var p = Pipeline.builder("cancel");
        Step<Integer> wait = p.step("wait", ctx -> {
            started.countDown();
            Thread.sleep(60_000);
            return 1;
        });
        p.step("next", wait, (ctx, x) -> x);
        RunHandle handle = mlops.pipelines().start(p.build());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel();
        PipelineRun run = handle.await(WAIT);

        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(state(run, "wait")).isEqualTo(StepState.CANCELLED);
        assertThat(state(run, "next")).isEqualTo(StepState.CANCELLED);
        mlops.close();   // drains the event bus
        assertThat(events).extracting(Event::type).contains(EventTypes.PIPELINE_RUN_CANCELLED);
        handle.cancel();
    }

    @Test
    void cancellingSettlesAStepWaitingForItsRetryAtOnce() {
        CountDownLatch failedOnce = new CountDownLatch(1);
        var p = Pipeline.builder("backoff");
        p.step("flaky", ctx -> {
            failedOnce.countDown();
            throw new IOException("try again later");
        }).retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMinutes(10))
                .maxBackoff(Duration.ofMinutes(10)).jitter(0).build());
        RunHandle handle = mlops.pipelines().start(p.build());
        await(failedOnce);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (handle.snapshot().step("flaky").orElseThrow().attempts().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
        handle.cancel();
        PipelineRun run = handle.await(WAIT);
        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(state(run, "flaky")).isEqualTo(StepState.CANCELLED);
    }

    @Test
    void closingThePlatformEndsRunsWaitingForARetry() {
        CountDownLatch failedOnce = new CountDownLatch(1);
        var p = Pipeline.builder("backoff-close");
        p.step("flaky", ctx -> {
            failedOnce.countDown();
            throw new IOException("try again later");
        }).retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMinutes(10))
                .maxBackoff(Duration.ofMinutes(10)).build());
        RunHandle handle = mlops.pipelines().start(p.build());
        await(failedOnce);
        mlops.close();
        assertThat(handle.await(WAIT).state()).isEqualTo(RunState.CANCELLED);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void resumesAFailedRunWithoutRerunningSucceededSteps() {
        AtomicInteger ingests = new AtomicInteger();
        AtomicInteger trains = new AtomicInteger();
        boolean[] broken = {true};
        var p = Pipeline.builder("resumable");
        Param<Integer> epochs = p.param("epochs", Integer.class).defaultValue(1);
        Step<List<Integer>> raw = p.step("ingest", ctx -> {
            ingests.incrementAndGet();
            return List.of(1, 2, 3);
        });
        Step<String> model = p.step("train", raw, (ctx, rows) -> {
            trains.incrementAndGet();
            if (broken[0]) {
                throw new IllegalStateException("out of memory");
            }
            return "model(" + rows + ", epochs=" + ctx.param(epochs) + ")";
        });
        Pipeline pipeline = p.build();
        PipelineRun failed = mlops.pipelines().run(pipeline, r -> r.param(epochs, 7).runId("nightly"));
        assertThat(failed.state()).isEqualTo(RunState.FAILED);

        broken[0] = false;
        PipelineRun resumed = mlops.pipelines().resume(pipeline, "nightly").await(WAIT);

        assertThat(resumed.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(resumed.output(model)).contains("model([1, 2, 3], epochs=7)");
        assertThat(resumed.output(raw)).contains(List.of(1, 2, 3));
        assertThat(ingests.get()).isEqualTo(1);
        assertThat(trains.get()).isEqualTo(2);
        assertThatThrownBy(() -> mlops.pipelines().resume(pipeline, "nightly")).isInstanceOf(ConflictException.class)
                .hasMessage("run 'nightly' of pipeline 'resumable' already succeeded; start a new run instead");
    }

    @Test
    void resumeKeepsAChainOfSucceededStepsAndRunsTheRestOnce() {
        List<String> ran = new CopyOnWriteArrayList<>();
        boolean[] broken = {true};
        var p = Pipeline.builder("chain");
        Step<Integer> previous = p.step("s0", ctx -> {
            ran.add("s0");
            return 0;
        });
        for (int i = 1; i < 5; i++) {
            int index = i;
            previous = p.step("s" + i, previous, (ctx, in) -> {
                if (index == 3 && broken[0]) {
                    throw new IllegalStateException("crash in s3");
                }
                ran.add("s" + index);
                return in + index;
            });
        }
        Step<Integer> last = previous;
        Pipeline pipeline = p.build();
        mlops.pipelines().run(pipeline, r -> r.runId("c1"));
        broken[0] = false;

        PipelineRun resumed = mlops.pipelines().resume(pipeline, "c1").await(WAIT);

        assertThat(resumed.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(resumed.output(last)).contains(10);
        assertThat(ran).containsExactly("s0", "s1", "s2", "s3", "s4");
    }

    @Test
    void resumeCutsATornTailAndReadsTheIntactRecords() throws IOException {
        AtomicInteger firsts = new AtomicInteger();
        var p = Pipeline.builder("torn");
        Step<Integer> first = p.step("first", ctx -> firsts.incrementAndGet());
        p.step("second", first, (ctx, x) -> {
            throw new IllegalStateException("crash");
        });
        Pipeline pipeline = p.build();
        mlops.pipelines().run(pipeline, r -> r.runId("t1"));
        Path journal = home.resolve("pipelines/torn/runs/t1/journal.bin");
        Files.write(journal, new byte[] {0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);

        PipelineRun again = mlops.pipelines().resume(pipeline, "t1").await(WAIT);

        assertThat(firsts.get()).isEqualTo(1);
        assertThat(again.state()).isEqualTo(RunState.FAILED);
        assertThat(mlops.pipelines().find("torn", "t1")).hasValueSatisfying(r -> {
            assertThat(r.state()).isEqualTo(RunState.FAILED);
            assertThat(r.step("first").orElseThrow().state()).isEqualTo(StepState.SUCCEEDED);
        });
    }

    @Test
    void resumeRejectsUnknownAndRunningRuns() throws Exception {
        var p = Pipeline.builder("resume-errors");
        CountDownLatch release = new CountDownLatch(1);
        p.step("hold", ctx -> release.await(10, TimeUnit.SECONDS));
        Pipeline pipeline = p.build();
        assertThatThrownBy(() -> mlops.pipelines().resume(pipeline, "nope")).isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("run 'resume-errors/nope' not found; no journal at");
        RunHandle handle = mlops.pipelines().start(pipeline, r -> r.runId("busy"));
        assertThatThrownBy(() -> mlops.pipelines().resume(pipeline, "busy")).isInstanceOf(ConflictException.class)
                .hasMessage("run 'busy' of pipeline 'resume-errors' is running");
        assertThatThrownBy(() -> mlops.pipelines().start(pipeline, r -> r.runId("busy")))
                .hasMessage("run 'busy' of pipeline 'resume-errors' already exists");
        release.countDown();
        assertThat(handle.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void reusesCachedOutputsWhileCodeParamsAndInputsAreUnchanged() {
        AtomicInteger features = new AtomicInteger();
        List<Pipeline> versions = new ArrayList<>();
        for (String version : List.of("v1", "v2")) {
            var p = Pipeline.builder("cached");
            Param<Integer> window = p.param("window", Integer.class).defaultValue(7);
            Step<List<Integer>> raw = p.step("raw", ctx -> List.of(1, 2, 3));
            p.step("features", raw, (ctx, rows) -> {
                features.incrementAndGet();
                return rows.size() * ctx.param(window);
            }).cacheable(version);
            versions.add(p.build());
        }
        PipelineRun first = run(versions.get(0));
        PipelineRun second = run(versions.get(0));
        PipelineRun otherParam = mlops.pipelines().run(versions.get(0), r -> r.param("window", 30));
        PipelineRun otherCode = run(versions.get(1));

        assertThat(first.step("features").orElseThrow().cacheHit()).isFalse();
        assertThat(second.step("features").orElseThrow().cacheHit()).isTrue();
        Optional<?> cachedOutput = second.output(versions.get(0).step("features").orElseThrow());
        assertThat(cachedOutput.orElseThrow()).isEqualTo(21);
        assertThat(otherParam.step("features").orElseThrow().cacheHit()).isFalse();
        assertThat(otherCode.step("features").orElseThrow().cacheHit()).isFalse();
        assertThat(features.get()).isEqualTo(3);
        assertThat(mlops.meterRegistry().get("mlops.pipeline.step.cache.hits").counter().count()).isEqualTo(1.0);
    }

    @Test
    void refusesBadParametersBeforeStartingAnything() {
        var p = Pipeline.builder("params");
        Param<Integer> stars = p.param("stars", Integer.class).required().check(v -> v <= 5, "be at most 5");
        p.step("use", ctx -> ctx.param(stars));
        Pipeline pipeline = p.build();
        assertThatThrownBy(() -> mlops.pipelines().start(pipeline)).isInstanceOf(ValidationException.class)
                .hasMessage("param.stars must be given (it is required), was null");
        assertThatThrownBy(() -> mlops.pipelines().start(pipeline, r -> r.param("stars", "3")))
                .hasMessage("param.stars must be a Integer, not a String, was '3'");
        assertThatThrownBy(() -> mlops.pipelines().start(pipeline, r -> r.param(stars, 9)))
                .hasMessage("param.stars must be at most 5, was '9'");
        assertThatThrownBy(() -> mlops.pipelines().start(pipeline, r -> r.param(stars, 3).param("colour", "red")))
                .hasMessage("param.colour must be declared by pipeline 'params' (declared: [stars]), was 'colour'");
        assertThat(mlops.pipelines().runs(RunQuery.of("params"))).isEmpty();
    }

    @Test
    void aStepReadingAnotherPipelinesParamFails() {
        var other = Pipeline.builder("other");
        Param<Integer> foreign = other.param("x", Integer.class).defaultValue(1);
        other.step("s", ctx -> 1);
        other.build();
        var p = Pipeline.builder("reader");
        p.step("read", ctx -> ctx.param(foreign));
        PipelineRun run = run(p.build());
        assertThat(run.step("read").orElseThrow().error().orElseThrow())
                .contains("param must be declared by pipeline 'reader', was 'x'");
    }

    record Rating(String user, int stars) {
    }

    static final class Opaque {
        final int value;

        Opaque(int value) {
            this.value = value;
        }
    }

    @Test
    void journalsRecordsByThemselvesAndAsksForACodecOtherwise() {
        var p = Pipeline.builder("outputs");
        Step<Rating> rating = p.step("rating", ctx -> new Rating("u1", 5));
        p.step("opaque", ctx -> new Opaque(1));
        PipelineRun run = run(p.build());
        assertThat(run.output(rating)).contains(new Rating("u1", 5));
        assertThat(run.step("opaque").orElseThrow().error().orElseThrow())
                .contains("step.opaque output must have a codec to be journaled or cached: give the step .output(Opaque.class)");

        var q = Pipeline.builder("outputs-in-memory");
        Step<Opaque> opaque = q.step("opaque", ctx -> new Opaque(2));
        PipelineRun inMemory = mlops.pipelines().run(q.build(), r -> r.durable(false));
        assertThat(inMemory.output(opaque).orElseThrow().value).isEqualTo(2);
        assertThat(home.resolve("pipelines/outputs-in-memory")).doesNotExist();
    }

    @Test
    void journalsTablesAndValidatesThemInSteps() throws IOException {
        Schema schema = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("stars", ColumnType.LONG));
        Path csv = Files.writeString(home.resolve("ratings.csv"), "user_id,stars\nu1,5\nu2,9\nu3,3\n");
        Expectations checks = Expectations.builder("ratings").column("stars", c -> c.between(1, 5)).quarantine().build();
        AtomicInteger reads = new AtomicInteger();
        boolean[] broken = {true};
        var p = Pipeline.builder("tables");
        Step<Table> raw = p.step("ingest", ctx -> {
            reads.incrementAndGet();
            return CsvFiles.read(csv, schema);
        });
        Step<Table> clean = p.step("validate", raw, (ctx, t) -> checks.enforce(ctx, t));
        p.step("count", clean, (ctx, t) -> {
            if (broken[0]) {
                throw new IllegalStateException("crash");
            }
            return t.rowCount();
        });
        Pipeline pipeline = p.build();
        mlops.pipelines().run(pipeline, r -> r.runId("t1"));
        broken[0] = false;

        PipelineRun resumed = mlops.pipelines().resume(pipeline, "t1").await(WAIT);

        assertThat(resumed.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(resumed.output(clean).orElseThrow().rowCount()).isEqualTo(2);
        assertThat(resumed.output(raw).orElseThrow()).isEqualTo(CsvFiles.read(csv, schema));
        assertThat(reads.get()).isEqualTo(1);
        mlops.close();
        assertThat(events).filteredOn(e -> e.type().equals(EventTypes.DATA_VALIDATION_FAILED)).singleElement()
                .satisfies(e -> {
                    assertThat(e.subject()).contains("ratings");
                    assertThat(e.data()).containsEntry("quarantined_rows", 1).containsEntry("run_id", "t1");
                });
    }

    @Test
    void keepsAQueryableHistory() {
        var p = Pipeline.builder("history");
        Param<Boolean> fail = p.param("fail", Boolean.class).defaultValue(false);
        p.step("work", ctx -> {
            if (ctx.param(fail)) {
                throw new IllegalStateException("asked to fail");
            }
            return 1;
        });
        Pipeline pipeline = p.build();
        Instant day = Instant.parse("2026-01-01T00:00:00Z");
        mlops.pipelines().run(pipeline, r -> r.runId("a").dataInterval(DataInterval.of(day, day.plus(Duration.ofDays(1)))));
        mlops.pipelines().run(pipeline, r -> r.runId("b").param(fail, true));
        mlops.pipelines().run(pipeline, r -> r.runId("c"));

        assertThat(mlops.pipelines().runs(RunQuery.of("history"))).extracting(PipelineRun::runId).containsExactly("c", "b", "a");
        assertThat(mlops.pipelines().runs(RunQuery.of("history").states(RunState.FAILED)))
                .singleElement().satisfies(r -> {
                    assertThat(r.runId()).isEqualTo("b");
                    assertThat(r.params()).containsEntry("fail", true);
                    assertThat(r.step("work").orElseThrow().error().orElseThrow()).contains("asked to fail");
                });
        assertThat(mlops.pipelines().runs(RunQuery.of("history").limit(1))).hasSize(1);
        PipelineRun a = mlops.pipelines().find("history", "a").orElseThrow();
        assertThat(a.dataInterval()).isEqualTo(DataInterval.of(day, day.plus(Duration.ofDays(1))));
        assertThat(a.step("work").orElseThrow().outputFingerprint()).hasValueSatisfying(fp -> assertThat(fp).hasSize(64));
        assertThat(mlops.pipelines().find("history", "zzz")).isEmpty();
        assertThat(mlops.pipelines().runs(RunQuery.of("never-ran"))).isEmpty();
    }

    @Test
    void publishesRunAndStepEventsAndTellsTheListener() {
        List<String> seen = new CopyOnWriteArrayList<>();
        var p = Pipeline.builder("observed");
        Step<Integer> work = p.step("work", ctx -> {
            for (int i = 1; i <= 4; i++) {
                ctx.progress(i, 4, "rows");
            }
            ctx.log().info("done with {}", "work");
            return 4;
        });
        PipelineRun run = mlops.pipelines().run(p.build(), r -> r.listener(new RunListener() {
            @Override
            public void onStepState(String runId, String step, StepState state) {
                seen.add(step + ":" + state);
            }

            @Override
            public void onProgress(String runId, String step, long done, long total, String unit) {
                seen.add(step + ":" + done + "/" + total + " " + unit);
            }
        }));
        mlops.close();
        assertThat(run.output(work)).contains(4);
        assertThat(seen).containsSubsequence("work:RUNNING", "work:1/4 rows", "work:4/4 rows", "work:SUCCEEDED");
        assertThat(events).extracting(Event::type).containsSubsequence(EventTypes.PIPELINE_RUN_STARTED,
                EventTypes.PIPELINE_STEP_FINISHED, EventTypes.PIPELINE_RUN_FINISHED);
        assertThat(events.get(events.size() - 1).subject()).contains(run.runId());
        assertThat(mlops.meterRegistry().get("mlops.pipeline.step.duration").tag("step", "work").timer().count()).isEqualTo(1);
        assertThat(mlops.meterRegistry().get("mlops.pipeline.run.duration").tag("state", "succeeded").timer().count()).isEqualTo(1);
    }
}
