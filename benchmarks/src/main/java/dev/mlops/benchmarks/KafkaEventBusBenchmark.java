package dev.mlops.benchmarks;

import dev.mlops.api.event.Event;
import dev.mlops.core.event.EventCodec;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.kafka.CloudEventRecords;
import dev.mlops.kafka.KafkaEventBus;
import dev.mlops.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * Publish-and-consume throughput of {@link KafkaEventBus} against raw kafka-clients on the same
 * in-process broker, with the same settings: an idempotent producer with {@code acks=all}, a
 * consumer in a group committing synchronously after each handled poll, one partition, and the
 * same CloudEvents record (binary mode) built per event. Each invocation publishes 1,000 events
 * and waits until the listener has seen all of them; the figure is per event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class KafkaEventBusBenchmark {
    private static final int BATCH = 1_000;

    private final AtomicLong handled = new AtomicLong();
    private EmbeddedKafka broker;
    private KafkaEventBus bus;
    private KafkaProducer<String, byte[]> producer;
    private CloudEventRecords records;
    private Thread rawConsumer;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /** Starts the broker, the bus with its subscription, and the raw producer and consumer. */
    @Setup(Level.Trial)
    public void setUp() {
        broker = EmbeddedKafka.start();
        broker.createTopic("bench-bus", 1);
        broker.createTopic("bench-raw", 1);
        bus = KafkaEventBus.builder().name("bench").bootstrapServers(broker.bootstrapServers()).topic("bench-bus")
                .group("bench").build();
        bus.subscribe("bench.*", e -> handled.incrementAndGet());
        records = new CloudEventRecords(new EventCodec(JsonCodec.create()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-raw", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        rawConsumer = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = consumer) {
                c.subscribe(List.of("bench-raw"));
                while (true) {
                    ConsumerRecords<String, byte[]> polled = c.poll(Duration.ofMillis(100));
                    if (!polled.isEmpty()) {
                        polled.forEach(r -> handled.incrementAndGet());
                        c.commitSync();
                    }
                }
            } catch (WakeupException e) {
                // closing
            }
        }, "bench-raw-consumer");
        rawConsumer.start();
        long target = handled.get() + 1;
        producer.send(records.toRecord("bench-raw", event(0)));
        await(target);
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        consumer.wakeup();
        rawConsumer.join();
        producer.close();
        bus.close();
        broker.close();
    }

    private static Event event(int i) {
        return Event.builder("bench.tick").source("/bench").subject("key-" + (i & 7)).data("i", i).build();
    }

    /**
     * 1,000 events through the bus.
     *
     * @return the handled count
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long bus() {
        long target = handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            bus.publish(event(i));
        }
        return await(target);
    }

    /**
     * Baseline: the same 1,000 records through raw kafka-clients.
     *
     * @return the handled count
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawClients() {
        long target = handled.get() + BATCH;
        for (int i = 0; i < BATCH; i++) {
            producer.send(records.toRecord("bench-raw", event(i)));
        }
        return await(target);
    }

    private long await(long target) {
        long seen;
        while ((seen = handled.get()) < target) {
            LockSupport.parkNanos(20_000);
        }
        return seen;
    }
}
