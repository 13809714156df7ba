package dev.mlops.benchmarks;

import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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
 * What durability costs per step: a 100-step chain run durably (each step's outcome and output
 * journaled with one forced append), the same chain in memory, and the baseline — a bare append of
 * a record of the same size followed by {@code force}, on the same disk. Scores are per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DurableRunBenchmark {
    static final int STEPS = 100;

    private Path home;
    private MlopsPlatform mlops;
    private Pipeline chain;
    private FileChannel bare;
    private final ByteBuffer record = ByteBuffer.allocate(256);

    /** Starts a platform in a temporary home and opens the baseline file beside it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "mlops-durable-");
        mlops = MlopsPlatform.builder().home(home).property("pipeline.threads", "4").build();
        var c = Pipeline.builder("durable-chain");
        Step<Integer> previous = c.step("s0", ctx -> 0);
        for (int i = 1; i < STEPS; i++) {
            previous = c.step("s" + i, previous, (ctx, x) -> x + 1);
        }
        chain = c.build();
        bare = FileChannel.open(home.resolve("bare.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Closes everything and deletes the home. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        bare.close();
        mlops.close();
        Benchmarks.deleteRecursively(home);
    }

    /**
     * The chain, journaled.
     *
     * @return the run
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public PipelineRun durable() {
        return check(mlops.pipelines().run(chain));
    }

    /**
     * The chain, in memory.
     *
     * @return the run
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public PipelineRun inMemory() {
        return check(mlops.pipelines().run(chain, r -> r.durable(false)));
    }

    /**
     * Baseline: one forced append of a 256-byte record per step.
     *
     * @return the file size
     * @throws IOException if the disk fails
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long baselineForcedAppend() throws IOException {
        for (int i = 0; i < STEPS; i++) {
            record.clear();
            bare.write(record);
            bare.force(false);
        }
        return bare.size();
    }

    private static PipelineRun check(PipelineRun run) {
        if (run.state() != RunState.SUCCEEDED) {
            throw new IllegalStateException("benchmark run failed: " + run.steps());
        }
        return run;
    }
}
