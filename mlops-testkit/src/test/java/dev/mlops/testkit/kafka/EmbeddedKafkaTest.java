package dev.mlops.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real broker, used with nothing but plain {@code kafka-clients}. */
class EmbeddedKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static EmbeddedKafka classBroker;

    @BeforeAll
    static void rememberTheBroker(EmbeddedKafka kafka) {
        classBroker = kafka;
    }

    @AfterEach
    void leaveTheBrokerRunning() {
        if (!classBroker.running()) {
            classBroker.restart();
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, WAIT.toMillis(),
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200),
                new StringDeserializer(), new StringDeserializer());
    }

    /** Polls until {@code count} records arrived (more may arrive in the last poll) or the wait ends. */
    private static List<ConsumerRecord<String, String>> pollFor(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }

    private static List<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "rating-" + i).collect(Collectors.toList());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int from, int to) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, "user-" + i % 7, "rating-" + i)));
        }
        for (Future<RecordMetadata> future : sent) {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void everyTestOfAClassGetsTheSameRunningBroker(EmbeddedKafka kafka) {
        assertThat(kafka).isSameAs(classBroker).isSameAs(KAFKA.broker());
        assertThat(kafka.running()).isTrue();
        assertThat(kafka.bootstrapServers()).matches("localhost:\\d+");
        assertThat(kafka.directory()).isDirectory();
        assertThat(kafka.toString()).isEqualTo("EmbeddedKafka[" + kafka.bootstrapServers() + "]");
    }

    @Test
    void carriesRecordsFromAProducerToAConsumerGroupThatCommits(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("ratings", 3);
        assertThat(kafka.admin().describeTopics(List.of("ratings")).allTopicNames().get()
                .get("ratings").partitions()).hasSize(3);
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            send(producer, "ratings", 0, 100);
        }
        try (KafkaConsumer<String, String> consumer = consumer(kafka, "scorers")) {
            consumer.subscribe(List.of("ratings"));
            List<ConsumerRecord<String, String>> records = pollFor(consumer, 100);
            assertThat(values(records)).containsExactlyInAnyOrderElementsOf(range(0, 100));
            // Within a partition (one key's records) the order is the order of sending.
            Map<String, List<Integer>> byKey = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                    Collectors.mapping(r -> Integer.parseInt(r.value().substring(7)), Collectors.toList())));
            byKey.values().forEach(numbers -> assertThat(numbers).isSorted());
            consumer.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets("scorers")
                .partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100);
        // A new member of the group starts where the group left off: nothing is left for it.
        try (KafkaConsumer<String, String> consumer = consumer(kafka, "scorers")) {
            consumer.subscribe(List.of("ratings"));
            List<ConsumerRecord<String, String>> again = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.assignment().size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(again::add);
            }
            assertThat(consumer.assignment()).hasSize(3);
            consumer.poll(Duration.ofSeconds(1)).forEach(again::add);
            assertThat(again).isEmpty();
        }
    }

    @Test
    void keepsItsDataAcrossARestartOnTheSameAddressAndTheClientsCarryOn(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("scores", 2);
        String address = kafka.bootstrapServers();
        try (KafkaProducer<String, String> producer = producer(kafka);
                KafkaConsumer<String, String> consumer = consumer(kafka, "stream")) {
            consumer.subscribe(List.of("scores"));
            send(producer, "scores", 0, 50);
            assertThat(values(pollFor(consumer, 50))).containsExactlyInAnyOrderElementsOf(range(0, 50));
            consumer.commitSync();

            long stopStarted = System.nanoTime();
            kafka.stop();
            long stopMillis = (System.nanoTime() - stopStarted) / 1_000_000;
            assertThat(kafka.running()).isFalse();
            assertThat(kafka.toString()).endsWith(", stopped]");
            assertThatThrownBy(kafka::admin).isInstanceOf(MlopsException.class).hasMessageContaining("is stopped");
            kafka.stop(); // again: no effect

            // In the middle of the stream: the producer keeps sending (its sends wait for the
            // broker), the consumer keeps polling; nothing is acknowledged or received meanwhile.
            AtomicInteger acknowledged = new AtomicInteger();
            ExecutorService sender = Executors.newSingleThreadExecutor();
            Future<List<Future<RecordMetadata>>> whileDown = sender.submit(() -> {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 50; i < 100; i++) {
                    sent.add(producer.send(new ProducerRecord<>("scores", "user-" + i % 7, "rating-" + i),
                            (metadata, failure) -> {
                                if (failure == null) {
                                    acknowledged.incrementAndGet();
                                }
                            }));
                }
                return sent;
            });
            assertThat(consumer.poll(Duration.ofSeconds(1))).isEmpty();
            assertThat(acknowledged).hasValue(0);

            long restartStarted = System.nanoTime();
            kafka.restart();
            long restartMillis = (System.nanoTime() - restartStarted) / 1_000_000;
            System.out.printf("EmbeddedKafka stop %d ms, restart %d ms%n", stopMillis, restartMillis);
            assertThat(kafka.running()).isTrue();
            assertThat(kafka.bootstrapServers()).isEqualTo(address);

            for (Future<RecordMetadata> future : whileDown.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS).hasOffset()).isTrue();
            }
            sender.shutdown();
            assertThat(acknowledged).hasValue(50);
            // The group resumes from its committed offsets: the new records, none of the old.
            List<ConsumerRecord<String, String>> after = pollFor(consumer, 50);
            assertThat(values(after)).containsExactlyInAnyOrderElementsOf(range(50, 100));
            consumer.commitSync();
        }
        // Everything written before and after the restart is on the broker's disk.
        try (KafkaConsumer<String, String> reader = consumer(kafka, "audit")) {
            reader.subscribe(List.of("scores"));
            assertThat(values(pollFor(reader, 100))).containsExactlyInAnyOrderElementsOf(range(0, 100));
        }
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets("stream")
                .partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100);
        long end = 0;
        for (TopicPartition partition : Set.of(new TopicPartition("scores", 0), new TopicPartition("scores", 1))) {
            end += kafka.admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get().offset();
        }
        assertThat(end).isEqualTo(100);
    }

    @Test
    void restartBouncesARunningBroker(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("bounced", 1);
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            send(producer, "bounced", 0, 10);
            kafka.restart();
            send(producer, "bounced", 10, 20);
        }
        try (KafkaConsumer<String, String> consumer = consumer(kafka, "bounce-check")) {
            consumer.subscribe(List.of("bounced"));
            assertThat(values(pollFor(consumer, 20))).containsExactlyElementsOf(range(0, 20));
        }
        assertThat(kafka.read("bounced", 20, Duration.ofSeconds(30))).extracting(r -> new String(r.value(),
                StandardCharsets.UTF_8)).containsExactlyElementsOf(range(0, 20));
        assertThatThrownBy(() -> kafka.read("", 1, Duration.ofSeconds(1))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> kafka.read("bounced", 1, Duration.ZERO)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("timeout must be positive");
    }

    @Test
    void refusesBadTopicsAndTopicsThatExist(EmbeddedKafka kafka) {
        kafka.createTopic("taken", 1);
        assertThatThrownBy(() -> kafka.createTopic("taken", 1)).isInstanceOf(ConflictException.class)
                .hasMessage("topic 'taken' already exists on " + kafka.bootstrapServers());
        assertThatThrownBy(() -> kafka.createTopic("no spaces", 1)).isInstanceOf(ValidationException.class)
                .hasMessage("topic must be 1 to 249 of [a-zA-Z0-9._-] and not '.' or '..', was 'no spaces'");
        assertThatThrownBy(() -> kafka.createTopic("fine", 0)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("partitions must be");
        assertThatThrownBy(() -> kafka.createTopic(null, 1)).isInstanceOf(ValidationException.class)
                .hasMessage("topic must be set, was null");
    }

    @Test
    void closeDeletesItsDataAndEndsItsUse() {
        long started = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.out.printf("EmbeddedKafka start %d ms%n", (System.nanoTime() - started) / 1_000_000);
        Path directory = kafka.directory();
        assertThat(kafka).isNotSameAs(classBroker);
        assertThat(kafka.bootstrapServers()).isNotEqualTo(classBroker.bootstrapServers());
        kafka.createTopic("short-lived", 1);
        kafka.close();
        kafka.close(); // again: no effect
        assertThat(Files.exists(directory)).isFalse();
        assertThat(kafka.running()).isFalse();
        assertThatThrownBy(kafka::restart).isInstanceOf(MlopsException.class)
                .hasMessage("the embedded Kafka broker at " + kafka.bootstrapServers() + " is closed; cannot restart");
        assertThatThrownBy(kafka::stop).isInstanceOf(MlopsException.class).hasMessageEndingWith("cannot stop");
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheBrokerOfTheirEnclosingClass(EmbeddedKafka kafka) {
            assertThat(kafka).isSameAs(classBroker).isSameAs(KAFKA.broker());
            assertThat(kafka.running()).isTrue();
        }
    }

    @Test
    void theExtensionSaysWhenItHasNoBrokerYet() {
        assertThatThrownBy(() -> new KafkaExtension().broker()).isInstanceOf(MlopsException.class)
                .hasMessageStartingWith("no embedded Kafka broker yet");
    }
}
