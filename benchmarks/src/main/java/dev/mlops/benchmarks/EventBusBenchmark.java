package dev.mlops.benchmarks;

import dev.mlops.api.event.Event;
import dev.mlops.core.event.InProcessEventBus;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The in-process event bus against its baseline, a plain 2-thread {@link ExecutorService} running
 * the same listener: one event published and handled on another thread (latency), and 1,000 events
 * published and all handled (throughput). The difference is what validation, per-subscription
 * ordering, bounded queues and metrics cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EventBusBenchmark {
    private static final int BATCH = 1_000;

    private final AtomicLong handled = new AtomicLong();
    private InProcessEventBus bus;
    private ExecutorService executor;
    private Event event;

    /** Starts the bus and the baseline executor, both with 2 threads. */
    @Setup(Level.Trial)
    public void setUp() {
        bus = InProcessEventBus.builder().threads(2).queueCapacity(BATCH * 2).build();
        bus.subscribe("movies.ratings.*", e -> handled.incrementAndGet());
        executor = Executors.newFixedThreadPool(2);
        event = Event.builder("movies.ratings.arrived").source("/bench").subject("batch").data("rows", 6).build();
    }

    /** Stops both. */
    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close();
        executor.shutdownNow();
    }

    /**
     * One event through the bus, waiting until its listener ran.
     *
     * @return the handled count
     */
    @Benchmark
    public long busOneEvent() {
        long target = handled.get() + 1;
        bus.publish(event);
        return awaitHandled(target);
    }

    /**
     * Baseline: the same listener handed to a plain executor.
     *
     * @return the handled count
     */
    @Benchmark
    public long baselineExecutorOneTask() {
        long target = handled.get() + 1;
        executor.execute(() -> handled.incrementAndGet());
        return awaitHandled(target);
    }

    /**
     * 1,000 events through the bus, waiting until all were handled; reported per event.
     *
     * @return the handled count
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long busThousandEvents() {
        long target = handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            bus.publish(event);
        }
        return awaitHandled(target);
    }

    /**
     * Baseline: 1,000 tasks on a plain executor; reported per task.
     *
     * @return the handled count
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long baselineExecutorThousandTasks() {
        long target = handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            executor.execute(() -> handled.incrementAndGet());
        }
        return awaitHandled(target);
    }

    private long awaitHandled(long target) {
        long now;
        while ((now = handled.get()) < target) {
            Thread.onSpinWait();
        }
        return now;
    }
}
