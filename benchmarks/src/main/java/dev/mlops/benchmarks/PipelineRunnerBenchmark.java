package dev.mlops.benchmarks;

import dev.mlops.api.event.Subscription;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-step overhead of the in-memory pipeline runner (runs that are not durable) on a 1,000-step
 * chain and a 10,000-instance fan-out, against a hand-written {@link CompletableFuture} graph doing
 * the same work on an executor with as many threads. Scores are per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PipelineRunnerBenchmark {
    static final int CHAIN = 1_000;
    static final int FAN_OUT = 10_000;
    static final int THREADS = 4;

    private Path home;
    private MlopsPlatform mlops;
    private ExecutorService executor;
    private Pipeline chain;
    private Pipeline fanOut;

    /** Starts a platform with {@value #THREADS} step threads and the baseline executor. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        home = Files.createTempDirectory("mlops-bench-");
        mlops = MlopsPlatform.builder().home(home).property("pipeline.threads", Integer.toString(THREADS)).build();
        executor = Executors.newFixedThreadPool(THREADS);

        var c = Pipeline.builder("chain");
        Step<Integer> previous = c.step("s0", ctx -> 0);
        for (int i = 1; i < CHAIN; i++) {
            previous = c.step("s" + i, previous, (ctx, x) -> x + 1);
        }
        chain = c.build();

        var f = Pipeline.builder("fan-out");
        Step<List<Integer>> items = f.step("items", ctx -> IntStream.range(0, FAN_OUT).boxed().toList());
        f.map("each", items, (ctx, x) -> x + 1);
        fanOut = f.build();
    }

    /** Stops both and deletes the home. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mlops.close();
        executor.shutdownNow();
        Benchmarks.deleteRecursively(home);
    }

    /**
     * A 1,000-step chain through the runner.
     *
     * @return the run
     */
    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public PipelineRun runnerChain() {
        return check(mlops.pipelines().run(chain, r -> r.durable(false)));
    }

    /**
     * The same chain with a subscriber to step events, so that every step also builds and publishes one.
     *
     * @return the run
     */
    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public PipelineRun runnerChainWithStepEvents() {
        try (Subscription s = mlops.eventBus().subscribe("dev.mlops.pipeline.step.*", e -> { })) {
            return check(mlops.pipelines().run(chain, r -> r.durable(false)));
        }
    }

    /**
     * Baseline: the same chain as dependent {@code thenApplyAsync} stages.
     *
     * @return the last value
     */
    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Integer baselineChain() {
        CompletableFuture<Integer> future = CompletableFuture.supplyAsync(() -> 0, executor);
        for (int i = 1; i < CHAIN; i++) {
            future = future.thenApplyAsync(x -> x + 1, executor);
        }
        return future.join();
    }

    /**
     * A 10,000-instance mapped step through the runner.
     *
     * @return the run
     */
    @Benchmark
    @OperationsPerInvocation(FAN_OUT)
    public PipelineRun runnerFanOut() {
        return check(mlops.pipelines().run(fanOut, r -> r.durable(false)));
    }

    /**
     * Baseline: 10,000 {@code supplyAsync} tasks joined with {@code allOf}, results collected in order.
     *
     * @return the results
     */
    @Benchmark
    @OperationsPerInvocation(FAN_OUT)
    public List<Integer> baselineFanOut() {
        List<Integer> items = CompletableFuture.supplyAsync(() -> IntStream.range(0, FAN_OUT).boxed().toList(), executor)
                .join();
        List<CompletableFuture<Integer>> futures = new ArrayList<>(items.size());
        for (Integer item : items) {
            futures.add(CompletableFuture.supplyAsync(() -> item + 1, executor));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).join();
        List<Integer> results = new ArrayList<>(futures.size());
        futures.forEach(f -> results.add(f.join()));
        return results;
    }

    private static PipelineRun check(PipelineRun run) {
        if (run.state() != RunState.SUCCEEDED) {
            throw new IllegalStateException("benchmark run failed: " + run.steps());
        }
        return run;
    }
}
