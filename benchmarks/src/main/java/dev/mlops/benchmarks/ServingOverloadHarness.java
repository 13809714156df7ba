package dev.mlops.benchmarks;

import dev.mlops.api.OverloadedException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Overload: the serving benchmark's MLP behind an endpoint with a queue of 256. First its capacity:
 * 16 closed-loop callers for 5 s give the throughput X and the latency p99 at capacity. Then an
 * open-loop load at 10 × X for 5 s: the p99 latency of the accepted requests, and how long a refused
 * submission took (p99, max). Run with
 * {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.ServingOverloadHarness}.
 */
public final class ServingOverloadHarness {
    private static final int FEATURES = ServingBenchmark.FEATURES;

    private ServingOverloadHarness() {
    }

    /**
     * Runs the measurement and prints the figures.
     *
     * @param args none
     * @throws Exception if the model cannot be trained or served
     */
    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("mlops-overload-");
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home); TrainedModel model = ServingBenchmark.mlp()) {
            ModelVersion version = model.register(mlops.registry(), "mlp", spec -> { });
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("mlp")
                    .registry(mlops.registry()).model("mlp").version(version.version()).loader(TrainedModel.servingLoader())
                    .workers(2).maxBatchSize(64).maxBatchDelay(Duration.ZERO).queueCapacity(256)
                    .defaultDeadline(Duration.ofSeconds(10)).warmUp(new float[FEATURES]).build()) {
                closedLoop(endpoint, 16, Duration.ofSeconds(2));
                long[] capacity = closedLoop(endpoint, 16, Duration.ofSeconds(5));
                double rate = capacity.length / 5.0;
                long[] atCapacity = capacity;
                System.out.printf(Locale.ROOT, "capacity: %.0f requests/s, latency p50 %.1f us, p99 %.1f us%n", rate,
                        percentile(atCapacity, 50) / 1e3, percentile(atCapacity, 99) / 1e3);
                openLoop(endpoint, rate * 10, Duration.ofSeconds(5), percentile(atCapacity, 99));
            }
        } finally {
            Benchmarks.deleteRecursively(home);
        }
    }

    /** Latencies in ns of every request made by {@code callers} threads, each waiting for its answer. */
    private static long[] closedLoop(EmbeddedServingEndpoint<float[], Float> endpoint, int callers, Duration length)
            throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(callers);
        for (int c = 0; c < callers; c++) {
            Thread t = new Thread(() -> {
                float[] x = new float[FEATURES];
                while (!stop.get()) {
                    long start = System.nanoTime();
                    endpoint.predict(x);
                    latencies.add(System.nanoTime() - start);
                }
                done.countDown();
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(length.toMillis());
        stop.set(true);
        done.await();
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static void openLoop(EmbeddedServingEndpoint<float[], Float> endpoint, double rate, Duration length,
            double p99AtCapacity) throws InterruptedException {
        ConcurrentLinkedQueue<Long> accepted = new ConcurrentLinkedQueue<>();
        List<Long> refused = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        long interval = (long) (1e9 / rate);
        long end = System.nanoTime() + length.toNanos();
        long next = System.nanoTime();
        float[] x = new float[FEATURES];
        List<CompletableFuture<?>> pending = new ArrayList<>();
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            next += interval;
            long submitted = System.nanoTime();
            CompletableFuture<?> answer = endpoint.submit(x, Duration.ofSeconds(10));
            if (answer.isCompletedExceptionally()) {
                refused.add(System.nanoTime() - submitted);
                continue;
            }
            pending.add(answer.whenComplete((p, e) -> {
                if (e == null) {
                    accepted.add(System.nanoTime() - submitted);
                } else if (!(e.getCause() instanceof OverloadedException)) {
                    failed.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null).join();
        long[] ok = accepted.stream().mapToLong(Long::longValue).toArray();
        long[] no = refused.stream().mapToLong(Long::longValue).toArray();
        System.out.printf(Locale.ROOT, "10x load: %.0f offered/s; accepted %d (p50 %.1f us, p99 %.1f us = %.2fx the p99"
                        + " at capacity), refused %d (p99 %.1f us, max %.1f us), failed otherwise %d%n",
                rate, ok.length, percentile(ok, 50) / 1e3, percentile(ok, 99) / 1e3, percentile(ok, 99) / p99AtCapacity,
                no.length, percentile(no, 99) / 1e3, no.length == 0 ? 0 : Arrays.stream(no).max().getAsLong() / 1e3,
                failed.get());
    }

    private static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
