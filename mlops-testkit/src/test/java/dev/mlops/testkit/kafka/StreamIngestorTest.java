package dev.mlops.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.WindowAggregation;
import dev.mlops.core.feature.WindowAggregator;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.kafka.KafkaEventBus;
import dev.mlops.kafka.StreamIngestor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Feature rows and windowed aggregates ingested from a real Kafka topic into the online store and the offline log. */
class StreamIngestorTest {
    private static final JsonCodec JSON = JsonCodec.create();
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<Column> KEYS = List.of(Column.of("user_id", ColumnType.LONG));
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    private final Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();

    private MlopsPlatform platform(Object... definitions) {
        MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home"))
                .clock(Clock.fixed(T0.plus(Duration.ofHours(4)), ZoneOffset.UTC)).build();
        List<Object> all = new ArrayList<>(List.of(definitions));
        all.add(0, user);
        mlops.features().apply(FeatureDefinitions.of(all.toArray()));
        return mlops;
    }

    private static String topic(String prefix) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        KAFKA.broker().createTopic(topic, 3);
        return topic;
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.broker().bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void await(String what, DoubleSupplier value, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (value.getAsDouble() < atLeast) {
            assertThat(System.nanoTime()).as("waiting for %s: %s of %s", what, value.getAsDouble(), atLeast).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void recordsReachTheOnlineStoreAndTrainingDataAndRecordsThatDoNotFitAreDeadLettered() throws Exception {
        String topic = topic("user-stats");
        FeatureView stats = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("ratings", ColumnType.LONG).field("genre", ColumnType.STRING).ttl(Duration.ofDays(1))
                .source(FeatureSource.stream("user_stats_stream", topic, "event_ts")).build();
        FeatureService service = FeatureService.builder("stats").features(stats).build();
        try (MlopsPlatform mlops = platform(stats, service); KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < 150; i++) {
                long id = i % 10;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("user_id", id);
                row.put("event_ts", i % 2 == 0 ? T0.plusSeconds(i * 60L).toString() : T0.plusSeconds(i * 60L).toEpochMilli());
                row.put("avg_rating", i / 10.0);
                row.put("ratings", (long) i);
                row.put("genre", i % 3 == 0 ? null : "drama");
                row.put("ignored", "extra fields are ignored");
                producer.send(new ProducerRecord<>(topic, Long.toString(id), JSON.write(row)));
            }
            for (String bad : List.of("not json", "{\"event_ts\": \"2026-11-01T00:00:00Z\", \"ratings\": 1}",
                    "{\"user_id\": 1, \"event_ts\": \"2026-11-01T00:00:00Z\", \"ratings\": 1.5}",
                    "{\"user_id\": 1, \"event_ts\": \"yesterday\"}")) {
                producer.send(new ProducerRecord<>(topic, "1", bad.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (StreamIngestor ingestor = StreamIngestor.builder("stats").bootstrapServers(KAFKA.broker().bootstrapServers())
                    .store(mlops.features()).view("user_stats", 1).linger(Duration.ofMillis(100)).meterRegistry(meters).build()) {
                ingestor.start();
                await("ingested records", () -> outcome(meters, "stats", "ingested"), 150);
            }
            assertThat(outcome(meters, "stats", "dead_lettered")).isEqualTo(4.0);

            List<FeatureVector> online = mlops.features().onlineFeatures(List.of(Map.of("user_id", 3L), Map.of("user_id", 4L)), service);
            assertThat(online.get(0).value("user_stats__ratings", Long.class)).contains(143L);
            assertThat(online.get(0).value("user_stats__avg_rating", Double.class)).contains(14.3);
            assertThat(online.get(0).value("user_stats__genre", String.class)).contains("drama");
            assertThat(online.get(1).value("user_stats__genre", String.class)).as("a null value").isEmpty();
            Table asOf = mlops.features().historicalFeatures(Table.builder(Schema.of(Column.of("user_id", ColumnType.LONG),
                    Column.of("ts", ColumnType.TIMESTAMP))).addRow(3L, T0.plusSeconds(60 * 60 + 30)).build(), "ts", service);
            assertThat(asOf.value(0, asOf.schema().indexOf("user_stats__ratings"))).as("as of minute 60").isEqualTo(53L);
            assertThat(mlops.features().historicalFeatures(T0, T0.plus(Duration.ofDays(1)), service).rowCount()).isEqualTo(150);

            List<String> errors = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> dead : read(topic + KafkaEventBus.DEAD_LETTER_SUFFIX, 4)) {
                errors.add(new String(dead.headers().lastHeader(KafkaEventBus.DLT_MESSAGE).value(), StandardCharsets.UTF_8));
            }
            assertThat(errors).hasSize(4).anyMatch(e -> e.contains("have a value for 'user_id'"))
                    .anyMatch(e -> e.equals("record field 'ratings' must be a LONG, was '1.5'"))
                    .anyMatch(e -> e.equals("record field 'event_ts' must be a TIMESTAMP, was 'yesterday'"));
        }
    }

    @Test
    void windowedAggregatesMatchTheOfflineComputationAcrossARestartAndAreEmittedOnce() throws Exception {
        String topic = topic("activity");
        FeatureView activity = FeatureView.builder("user_activity").entities("user").field("ratings", ColumnType.LONG)
                .field("avg_rating", ColumnType.DOUBLE).field("best", ColumnType.DOUBLE).field("watched", ColumnType.LONG)
                .ttl(Duration.ofDays(1)).source(FeatureSource.stream("activity", topic, "event_ts")).build();
        FeatureService service = FeatureService.builder("activity").features(activity).build();
        WindowAggregation lastTenMinutes = WindowAggregation.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5))
                .count("ratings").mean("avg_rating", "rating").max("best", "rating").sum("watched", "seconds").build();
        Schema eventSchema = Schema.of(Column.of("user_id", ColumnType.LONG), Column.of("event_ts", ColumnType.TIMESTAMP),
                Column.of("rating", ColumnType.DOUBLE), Column.of("seconds", ColumnType.LONG));
        Random random = new Random(11);
        Table.Builder events = Table.builder(eventSchema);
        List<Map<String, Object>> sent = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("user_id", (long) random.nextInt(20));
            e.put("event_ts", T0.plusSeconds(i * 6L).toString());
            e.put("rating", random.nextInt(8) == 0 ? null : random.nextInt(11) / 2.0);
            e.put("seconds", (long) random.nextInt(7_200));
            events.addRow(e.get("user_id"), Instant.parse((String) e.get("event_ts")), e.get("rating"), e.get("seconds"));
            sent.add(e);
        }
        for (int i = 0; i + 10 <= sent.size(); i += 10) {
            Collections.shuffle(sent.subList(i, i + 10), random);       // out of order by up to a minute
        }
        Table expected = WindowAggregator.offline(events.build(), activity, KEYS, lastTenMinutes);

        try (MlopsPlatform mlops = platform(activity, service); KafkaProducer<String, byte[]> producer = producer()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            StreamIngestor.Builder ingestor = StreamIngestor.builder("activity").bootstrapServers(KAFKA.broker().bootstrapServers())
                    .store(mlops.features()).view("user_activity", 1).aggregation(lastTenMinutes, Duration.ofMinutes(1))
                    .linger(Duration.ofMillis(100)).meterRegistry(meters);
            sent.subList(0, 600).forEach(e -> producer.send(new ProducerRecord<>(topic, e.get("user_id").toString(), JSON.write(e))));
            producer.flush();
            try (StreamIngestor first = ingestor.build()) {
                first.start();
                await("the first half", () -> outcome(meters, "activity", "ingested"), 600);
            }
            double pushedBefore = pushed(mlops);
            assertThat(pushedBefore).as("windows closed before the restart").isPositive();

            sent.subList(600, sent.size()).forEach(e -> producer.send(new ProducerRecord<>(topic, e.get("user_id").toString(),
                    JSON.write(e))));
            for (int partition = 0; partition < 3; partition++) {       // closes every window of the events above
                producer.send(new ProducerRecord<>(topic, partition, "closer", JSON.write(Map.of("user_id", 999,
                        "event_ts", T0.plus(Duration.ofHours(3)).toString(), "seconds", 1))));
            }
            producer.flush();
            try (StreamIngestor second = ingestor.build()) {
                second.start();
                await("every window", () -> pushed(mlops), expected.rowCount());
                Thread.sleep(500);
                producer.send(new ProducerRecord<>(topic, "1", JSON.write(Map.of("user_id", 1, "event_ts", T0.toString()))));
                producer.flush();
                await("a late event", () -> outcome(meters, "activity", "late"), 1);
            }
            assertThat(pushed(mlops)).as("each window pushed once").isEqualTo(expected.rowCount());

            Table log = mlops.features().historicalFeatures(T0, T0.plus(Duration.ofHours(3)), service);
            Map<List<Object>, List<Object>> ingested = new HashMap<>();
            for (int r = 0; r < log.rowCount(); r++) {
                List<Object> row = log.row(r);
                ingested.put(List.of(row.get(0), row.get(1)), row.subList(2, row.size()));
            }
            assertThat(ingested.size()).isEqualTo(expected.rowCount());
            Map<Long, List<Object>> latest = new HashMap<>();
            for (int r = 0; r < expected.rowCount(); r++) {
                List<Object> want = expected.row(r);
                List<Object> got = ingested.get(List.of(want.get(0), want.get(1)));
                assertThat(got).as("window ending %s of user %s", want.get(1), want.get(0)).isNotNull();
                assertThat(got.get(0)).isEqualTo(want.get(2));
                assertThat(got.get(3)).isEqualTo(want.get(5));
                for (int f : new int[] {1, 2}) {
                    if (want.get(f + 2) == null) {
                        assertThat(got.get(f)).isNull();
                    } else {
                        assertThat((Double) got.get(f)).isCloseTo((Double) want.get(f + 2), within(1e-9));
                    }
                }
                latest.put((Long) want.get(0), want);
            }
            FeatureVector online = mlops.features().onlineFeatures(List.of(Map.of("user_id", 7L)), service).get(0);
            assertThat(online.value("user_activity__ratings", Long.class)).contains((Long) latest.get(7L).get(2));
            assertThat(online.value("user_activity__watched", Long.class)).contains((Long) latest.get(7L).get(5));
        }
    }

    @Test
    void refusesAViewItCannotFill() {
        FeatureView pushed = FeatureView.builder("pushed").entities("user").field("n", ColumnType.LONG).ttl(Duration.ofDays(1))
                .source(FeatureSource.push("pushed_rows", "event_ts")).build();
        FeatureView counts = FeatureView.builder("counts").entities("user").field("n", ColumnType.LONG).ttl(Duration.ofDays(1))
                .source(FeatureSource.stream("clicks", "clicks", "event_ts")).build();
        FeatureView other = FeatureView.builder("other").entities("user").field("m", ColumnType.DOUBLE).ttl(Duration.ofDays(1))
                .source(FeatureSource.stream("clicks", "clicks", "event_ts")).build();
        try (MlopsPlatform mlops = platform(pushed, counts, other)) {
            StreamIngestor.Builder b = StreamIngestor.builder("x").bootstrapServers("localhost:1").store(mlops.features());
            assertThatThrownBy(() -> b.view("absent", 1).build()).isInstanceOf(NotFoundException.class).hasMessageContaining("absent@1");
            assertThatThrownBy(() -> b.view("pushed", 1).build()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("be a stream source");
            assertThatThrownBy(() -> b.view("counts", 1).build()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("feature view other@1 must need only columns that counts@1 writes");
            assertThatThrownBy(() -> b.view("counts", 1).aggregation(WindowAggregation.tumbling(Duration.ofMinutes(1))
                    .mean("n", "x").build(), Duration.ZERO).build()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("fill field 'n' with a DOUBLE for MEAN");
        }
    }

    private static double outcome(SimpleMeterRegistry meters, String stream, String outcome) {
        var counter = meters.find(MetricNames.FEATURE_STREAM_RECORDS).tags(MetricNames.TAG_STREAM, stream, MetricNames.TAG_OUTCOME, outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double pushed(MlopsPlatform mlops) {
        var counter = mlops.meterRegistry().find(MetricNames.FEATURE_PUSH_ROWS).tags(MetricNames.TAG_SOURCE, "activity").counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<ConsumerRecord<String, byte[]>> read(String topic, int expected) {
        return KAFKA.broker().read(topic, expected, Duration.ofSeconds(60));
    }
}
