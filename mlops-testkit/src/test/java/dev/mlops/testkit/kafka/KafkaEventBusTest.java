package dev.mlops.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.kafka.KafkaEventBus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka bus against a real broker: faults, dead letters, duplicates, groups and the platform provider. */
class KafkaEventBusTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @TempDir
    Path dir;

    private KafkaEventBus.Builder bus(String topic, String group) {
        return KafkaEventBus.builder().name("test").bootstrapServers(KAFKA.broker().bootstrapServers()).topic(topic).group(group)
                .createTopics(2, (short) 1).retries(2, Duration.ofMillis(10), Duration.ofMillis(50)).meterRegistry(meters);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Event event(String subject, int n) {
        return Event.builder(EventTypes.MODEL_VERSION_CREATED).source("/registry").subject(subject).data("version", n).build();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(String topic, int expected) {
        return KAFKA.broker().read(topic + KafkaEventBus.DEAD_LETTER_SUFFIX, expected, Duration.ofSeconds(60));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aListenerThatKeepsFailingIsRetriedThenDeadLetteredAndTheNextEventsStillArrive() throws Exception {
        String topic = unique("failing");
        AtomicInteger attempts = new AtomicInteger();
        List<Event> handled = new CopyOnWriteArrayList<>();
        try (KafkaEventBus bus = bus(topic, "g").build()) {
            bus.subscribe("dev.mlops.model.**", e -> {
                if (e.data().get("version").equals(1)) {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("cannot evaluate version 1");
                }
                handled.add(e);
            });
            bus.publish(event("rater", 1));
            bus.publish(event("rater", 2));
            await(() -> handled.size() == 1, "the event after the failing one");
        }
        assertThat(attempts).hasValue(3);
        assertThat(handled.get(0).data()).containsEntry("version", 2);
        ConsumerRecord<String, byte[]> dead = deadLetters(topic, 1).get(0);
        assertThat(header(dead, KafkaEventBus.DLT_EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead, KafkaEventBus.DLT_MESSAGE)).isEqualTo("cannot evaluate version 1");
        assertThat(header(dead, KafkaEventBus.DLT_TOPIC)).isEqualTo(topic);
        assertThat(header(dead, "ce_type")).isEqualTo(EventTypes.MODEL_VERSION_CREATED);
        assertThat(meters.get(MetricNames.EVENT_DEAD_LETTERED).counter().count()).isEqualTo(1);
    }

    @Test
    void aPoisonRecordIsDeadLetteredAndDoesNotStopTheConsumer() throws Exception {
        String topic = unique("poison");
        List<Event> handled = new CopyOnWriteArrayList<>();
        try (KafkaEventBus bus = bus(topic, "g").build();
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.broker().bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
            bus.subscribe("**", handled::add);
            raw.send(new ProducerRecord<>(topic, "rater", "not a cloud event".getBytes(StandardCharsets.UTF_8))).get();
            bus.publish(event("rater", 7));
            await(() -> handled.size() == 1, "the event after the poison record");
        }
        ConsumerRecord<String, byte[]> dead = deadLetters(topic, 1).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not a cloud event");
        assertThat(header(dead, KafkaEventBus.DLT_EXCEPTION)).isEqualTo(ValidationException.class.getName());
        assertThat(meters.get(MetricNames.EVENT_DEAD_LETTERED).tag(MetricNames.TAG_TYPE, KafkaEventBus.UNREADABLE_TYPE).counter()
                .count()).isEqualTo(1);
    }

    @Test
    void aRedeliveredEventIsHandledOnce() throws Exception {
        String topic = unique("dup");
        List<Event> handled = new CopyOnWriteArrayList<>();
        Event once = event("rater", 3);
        try (KafkaEventBus bus = bus(topic, "g").build()) {
            bus.subscribe("**", handled::add);
            bus.publish(once);
            bus.publish(once);
            bus.publish(event("rater", 4));
            await(() -> handled.size() == 2, "two distinct events");
            await(() -> meters.find(MetricNames.EVENT_DUPLICATES).counter() != null, "the duplicate counted");
        }
        assertThat(handled).extracting(e -> e.data().get("version")).containsExactly(3, 4);
    }

    @Test
    void noEventIsLostWhenTheBrokerRestartsInTheMiddleOfAStream() throws Exception {
        String topic = unique("restart");
        Set<Object> received = ConcurrentHashMap.newKeySet();
        try (KafkaEventBus bus = bus(topic, "g").build()) {
            bus.subscribe("**", e -> received.add(e.data().get("version")));
            for (int i = 0; i < 100; i++) {
                bus.publish(event("s" + (i % 7), i));
            }
            bus.flush();
            KAFKA.broker().stop();
            for (int i = 100; i < 150; i++) {
                bus.publish(event("s" + (i % 7), i));
            }
            KAFKA.broker().restart();
            for (int i = 150; i < 200; i++) {
                bus.publish(event("s" + (i % 7), i));
            }
            await(() -> received.size() == 200, "all 200 events, got " + received.size());
        }
    }

    @Test
    void busesOfOneGroupShareEventsAndBusesOfTwoGroupsEachGetThemAll() throws Exception {
        String topic = unique("groups");
        List<Event> a = new CopyOnWriteArrayList<>();
        List<Event> b = new CopyOnWriteArrayList<>();
        List<Event> c = new CopyOnWriteArrayList<>();
        try (KafkaEventBus one = bus(topic, "shared").build(); KafkaEventBus two = bus(topic, "shared").build();
                KafkaEventBus other = bus(topic, "replica-2").build()) {
            one.subscribe("**", a::add);
            two.subscribe("**", b::add);
            other.subscribe("**", c::add);
            for (int i = 0; i < 40; i++) {
                one.publish(event("m" + i, i));
            }
            await(() -> a.size() + b.size() == 40 && c.size() == 40, "40 shared and 40 broadcast");
        }
        assertThat(a).isNotEmpty();
        assertThat(b).isNotEmpty();
    }

    @Test
    void refusesSettingsThatWouldTurnIdempotenceOff() {
        assertThatThrownBy(() -> bus(unique("x"), "g").clientProperty("acks", "1").build()).isInstanceOf(ValidationException.class)
                .hasMessage("client property acks must be all (an idempotent producer needs every in-sync replica), was '1'");
        assertThatThrownBy(() -> bus(unique("x"), "g").clientProperty("enable.idempotence", "false").build())
                .hasMessage("client property enable.idempotence must be true, was 'false'");
        assertThatThrownBy(() -> bus(unique("x"), "g").clientProperty("max.in.flight.requests.per.connection", "10").build())
                .hasMessage("client property max.in.flight.requests.per.connection must be at most 5 for an idempotent producer,"
                        + " was '10'");
        assertThatThrownBy(() -> KafkaEventBus.builder().build()).hasMessage("bus.bootstrapServers must be set, was null");
    }

    @Test
    void aPlatformRunsOnKafkaThroughItsProvider() throws Exception {
        String topic = unique("platform");
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).eventBusProvider("kafka")
                .property("kafka.bootstrap-servers", KAFKA.broker().bootstrapServers()).property("kafka.topic", topic)
                .property("kafka.partitions", "1").build()) {
            EventBus bus = mlops.eventBus();
            assertThat(bus).isInstanceOf(KafkaEventBus.class);
            bus.subscribe("movies.**", seen::add);
            bus.publish(Event.builder("movies.ratings.arrived").source("/sample").subject("batch-1").build());
            await(() -> seen.size() == 1, "the event through the platform's Kafka bus");
        }
    }
}
