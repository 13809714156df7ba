package dev.mlops.benchmarks;

import dev.mlops.api.OverloadedException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Overload: the serving benchmark's MLP behind an endpoint whose queue is sized from a latency budget
 * (64 requests: at the measured capacity about a tenth of a millisecond of work). Both phases submit
 * asynchronously from one thread, as an event-loop server does. First the capacity: 64 requests kept
 * in flight for 5 s give the throughput X and the latency p99 at capacity. Then an open-loop load
 * paced at 10 × X for 5 s (the thread submits as fast as it can when behind its schedule; the rate it
 * reached is printed): the p99 latency of the accepted requests, and how long a refused submission
 * took. The endpoint has one worker unless {@code -Dworkers=N} says otherwise: on two cores the load
 * generator needs the other one. Run with
 * {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.ServingOverloadHarness [queue]}.
 */
public final class ServingOverloadHarness {
    private static final int IN_FLIGHT = 64;

    private ServingOverloadHarness() {
    }

    /**
     * Runs the measurement and prints the figures.
     *
     * @param args optionally the queue capacity (64 by default)
     * @throws Exception if the model cannot be trained or served
     */
    public static void main(String[] args) throws Exception {
        int queue = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        Path home = Files.createTempDirectory("mlops-overload-");
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home); TrainedModel model = ServingBenchmark.mlp()) {
            ModelVersion version = model.register(mlops.registry(), "mlp", spec -> { });
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("mlp")
                    .registry(mlops.registry()).model("mlp").version(version.version()).loader(TrainedModel.servingLoader())
                    .workers(Integer.getInteger("workers", 1)).maxBatchSize(64).maxBatchDelay(Duration.ZERO).queueCapacity(queue)
                    .defaultDeadline(Duration.ofSeconds(10)).warmUp(ServingBenchmark.input()).build()) {
                closedLoop(endpoint, Duration.ofSeconds(3));
                Histogram capacity = closedLoop(endpoint, Duration.ofSeconds(5));
                double rate = capacity.getTotalCount() / 5.0;
                System.out.printf(Locale.ROOT, "queue %d; capacity (%d in flight): %.0f requests/s, latency p50 %.1f us,"
                        + " p99 %.1f us%n", queue, IN_FLIGHT, rate, capacity.getValueAtPercentile(50) / 1e3,
                        capacity.getValueAtPercentile(99) / 1e3);
                openLoop(endpoint, rate * 10, Duration.ofSeconds(5), capacity.getValueAtPercentile(99));
            }
        } finally {
            Benchmarks.deleteRecursively(home);
        }
    }

    /** Keeps {@link #IN_FLIGHT} requests submitted, each answer making room for the next. */
    private static Histogram closedLoop(EmbeddedServingEndpoint<float[], Float> endpoint, Duration length)
            throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(3);
        Semaphore window = new Semaphore(IN_FLIGHT);
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            window.acquire();
            long submitted = System.nanoTime();
            endpoint.submit(ServingBenchmark.input(), Duration.ofSeconds(10)).whenComplete((p, e) -> {
                latencies.recordValue(System.nanoTime() - submitted);
                window.release();
            });
        }
        window.acquire(IN_FLIGHT);
        return latencies;
    }

    private static void openLoop(EmbeddedServingEndpoint<float[], Float> endpoint, double rate, Duration length,
            double p99AtCapacity) throws InterruptedException {
        Histogram accepted = new ConcurrentHistogram(3);
        Histogram refused = new Histogram(3);
        AtomicLong failed = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        double interval = 1e9 / rate;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long offered = 0;
        for (long now = start; now < end; now = System.nanoTime()) {
            if (now < start + (long) (offered * interval)) {
                Thread.onSpinWait();
                continue;
            }
            offered++;
            long submitted = now;
            var answer = endpoint.submit(ServingBenchmark.input(), Duration.ofSeconds(10));
            if (answer.isCompletedExceptionally()) {
                refused.recordValue(System.nanoTime() - submitted);
                continue;
            }
            outstanding.incrementAndGet();
            answer.whenComplete((p, e) -> {
                if (e == null) {
                    accepted.recordValue(System.nanoTime() - submitted);
                } else if (!(e.getCause() instanceof OverloadedException)) {
                    failed.incrementAndGet();
                }
                outstanding.decrementAndGet();
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        while (outstanding.get() > 0) {
            Thread.sleep(1);
        }
        System.out.printf(Locale.ROOT, "overload: paced at %.0f/s, offered %.0f/s; accepted %.0f/s (p50 %.1f us, p99 %.1f us"
                        + " = %.2fx the p99 at capacity); refused %d (p99 %.1f us, p99.9 %.1f us, max %.1f us); failed"
                        + " otherwise %d%n", rate, offered / seconds, accepted.getTotalCount() / seconds, accepted.getValueAtPercentile(50) / 1e3,
                accepted.getValueAtPercentile(99) / 1e3, accepted.getValueAtPercentile(99) / p99AtCapacity, refused.getTotalCount(),
                refused.getValueAtPercentile(99) / 1e3, refused.getValueAtPercentile(99.9) / 1e3, refused.getMaxValue() / 1e3, failed.get());
    }
}
