package dev.mlops.benchmarks;

import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.Trigger;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Trigger latency: from an event published to the first step of the pipeline it triggers running,
 * on the Kafka bus (an in-process broker on loopback, the platform configured as a user would
 * through the {@code kafka} provider) and, as the baseline, on the in-process bus. Events are
 * published every 10 ms (300 to warm up, then 1,000 measured) so that runs do not queue behind each
 * other; each run is durable, as in production. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.TriggerLatencyHarness}.
 */
public final class TriggerLatencyHarness {
    private static final int WARM_UP = 300;
    private static final int MEASURED = 1_000;

    private TriggerLatencyHarness() {
    }

    /**
     * Runs both measurements and prints the figures.
     *
     * @param args none
     * @throws Exception if a platform cannot start
     */
    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("mlops-trigger-");
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            broker.createTopic("bench-events", 1);
            try (MlopsPlatform kafka = MlopsPlatform.builder().name("bench").home(home.resolve("kafka")).eventBusProvider("kafka")
                    .property("kafka.bootstrap-servers", broker.bootstrapServers()).property("kafka.topic", "bench-events")
                    .property("kafka.group", "bench").build()) {
                report("kafka bus", measure(kafka));
            }
            try (MlopsPlatform local = MlopsPlatform.embedded(home.resolve("local"))) {
                report("in-process bus (baseline)", measure(local));
            }
        } finally {
            Benchmarks.deleteRecursively(home);
        }
    }

    private static Histogram measure(MlopsPlatform mlops) throws InterruptedException {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Pipeline.Builder p = Pipeline.builder("on-tick");
        Param<Long> sent = p.param("sent", Long.class).required();
        p.step("started", ctx -> {
            long nanos = System.nanoTime() - ctx.param(sent);
            synchronized (latency) {
                latency.recordValue(nanos);
            }
            return nanos;
        });
        mlops.triggers().register(Trigger.builder("tick").on("bench.tick").pipeline(p.build())
                .param("sent", e -> ((Number) e.data().get("sent")).longValue()).build());
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            if (i == WARM_UP) {
                Thread.sleep(500);
                synchronized (latency) {
                    latency.reset();
                }
            }
            mlops.eventBus().publish(mlops.newEvent("bench.tick").subject("tick-" + i).data("sent", System.nanoTime()).build());
            Thread.sleep(10);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (latency) {
                if (latency.getTotalCount() >= MEASURED) {
                    return latency.copy();
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("only " + latency.getTotalCount() + " of " + MEASURED + " triggered runs started");
    }

    private static void report(String bus, Histogram h) {
        System.out.printf(Locale.ROOT, "%-26s event -> pipeline started over %d events: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                + " max %.2f ms%n", bus, h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }
}
