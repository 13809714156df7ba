package dev.mlops.samples.streamscoring;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.WindowAggregation;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.FeatureEnrichedEndpoint;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.kafka.KafkaEventBus;
import dev.mlops.kafka.StreamIngestor;
import dev.mlops.kafka.StreamScorer;
import dev.mlops.testkit.kafka.EmbeddedKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scores a Kafka stream with features computed from another stream. Users' rating activity
 * arrives on {@code user-activity}; a {@link StreamIngestor} aggregates it per user over sliding
 * windows (ratings in the last 10 minutes and their mean, every 5 minutes) into the online store and
 * the offline log. Score requests carrying only a user id arrive on {@code score-requests}; a
 * {@link StreamScorer} looks each user's features up online, predicts the user's next rating with a
 * small DJL model and writes the answer to {@code next-rating-scores}. Records that do not fit go to
 * the dead-letter topics.
 *
 * <p>Run it with {@code mvn -q -DskipTests -pl samples/stream-scoring -am package exec:java}: it
 * starts a Kafka broker in its own JVM unless given one
 * ({@code -Dkafka.bootstrap-servers=host:9092} or the environment variable {@code KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class StreamScoringApp {
    static final String ACTIVITY = "user-activity";
    static final String REQUESTS = "score-requests";
    static final String SCORES = "next-rating-scores";
    static final int USERS = 40;
    static final List<String> FEATURES = List.of("user_activity__ratings_10m", "user_activity__avg_rating_10m");
    private static final JsonCodec JSON = JsonCodec.create();

    private StreamScoringApp() {
    }

    /**
     * Runs the sample.
     *
     * @param args an optional home directory; default {@code target/stream-scoring-home}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Path home = Path.of(args.length > 0 ? args[0] : "target/stream-scoring-home");
        String kafka = System.getProperty("kafka.bootstrap-servers", System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        boolean ok;
        if (kafka == null || kafka.isBlank()) {
            try (EmbeddedKafka broker = EmbeddedKafka.start()) {
                ok = run(home, System.out, broker.bootstrapServers(), "an embedded broker");
            }
        } else {
            ok = run(home, System.out, kafka, kafka);
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /**
     * Ingests the activity stream, trains and serves the model, scores the request stream and prints a report.
     *
     * @param home the platform home
     * @param out where the report goes
     * @param kafka the bootstrap servers
     * @param where how to name the broker in the report
     * @return whether every request was answered or dead-lettered as expected
     */
    static boolean run(Path home, PrintStream out, String kafka, String where) {
        String run = UUID.randomUUID().toString().substring(0, 8);     // fresh topics per run on a shared broker
        String activity = ACTIVITY + "-" + run;
        String requests = REQUESTS + "-" + run;
        String scores = SCORES + "-" + run;
        createTopics(kafka, activity, requests, scores);
        out.println("stream-scoring on Kafka at " + where);
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
            FeatureView view = FeatureView.builder("user_activity").entities("user")
                    .field("ratings_10m", ColumnType.LONG).field("avg_rating_10m", ColumnType.DOUBLE).ttl(Duration.ofDays(1))
                    .source(FeatureSource.stream("activity", activity, "event_ts")).build();
            FeatureService service = FeatureService.builder("next-rating").features(view).build();
            mlops.features().apply(FeatureDefinitions.of(user, view, service));

            Instant now = mlops.clock().instant().truncatedTo(ChronoUnit.SECONDS);
            int events = produceActivity(kafka, activity, now);
            MeterRegistry meters = mlops.meterRegistry();
            try (StreamIngestor ingestor = StreamIngestor.builder("activity-" + run).bootstrapServers(kafka)
                    .store(mlops.features()).view("user_activity", 1)
                    .aggregation(WindowAggregation.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5))
                            .count("ratings_10m").mean("avg_rating_10m", "rating").build(), Duration.ofMinutes(1))
                    .linger(Duration.ofMillis(200)).meterRegistry(meters).build()) {
                ingestor.start();
                await(() -> count(meters, MetricNames.FEATURE_STREAM_RECORDS, "ingested") + count(meters,
                        MetricNames.FEATURE_STREAM_RECORDS, "dead_lettered") >= events + 1);
            }
            double windows = meters.counter(MetricNames.FEATURE_PUSH_ROWS, MetricNames.TAG_SOURCE, "activity").count();
            out.printf(Locale.ROOT, "  ingest     %d activity events of %d users -> %.0f window rows (10 min every 5 min) online"
                    + " and in the offline log; %.0f record dead-lettered to %s-dlt%n", events, USERS, windows,
                    count(meters, MetricNames.FEATURE_STREAM_RECORDS, "dead_lettered"), activity);

            try (TrainedModel model = train()) {
                ModelVersion version = model.register(mlops.registry(), "next-rating", spec -> spec.by("stream-scoring"));
                try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("next-rating")
                        .registry(mlops.registry()).model("next-rating").version(version.version())
                        .loader(TrainedModel.servingLoader()).workers(2).meters(meters).build();
                        StreamScorer<Map<String, Object>, Float> scorer = StreamScorer.<Map<String, Object>, Float>builder(
                                "next-rating-" + run).bootstrapServers(kafka).inputTopic(requests).outputTopic(scores)
                                .endpoint(FeatureEnrichedEndpoint.of(endpoint, mlops.features(), service, FEATURES, null))
                                .decoder(StreamScorer.jsonObject(JSON)).encoder(StreamScorer.jsonResult(JSON))
                                .meterRegistry(meters).build()) {
                    out.printf(Locale.ROOT, "  model      next-rating version %d: predicts a user's next rating from %s%n",
                            version.version(), FEATURES);
                    scorer.start();
                    produceRequests(kafka, requests);
                    List<ConsumerRecord<String, byte[]>> answers = read(kafka, scores, USERS);
                    List<ConsumerRecord<String, byte[]>> dead = read(kafka, requests + KafkaEventBus.DEAD_LETTER_SUFFIX, 1);
                    out.printf("  score      %d requests -> %d scores on %s, %d dead-lettered to %s-dlt%n", USERS + 1,
                            answers.size(), scores, dead.size(), requests);
                    for (ConsumerRecord<String, byte[]> answer : answers.subList(0, Math.min(3, answers.size()))) {
                        out.printf("               %s%n", new String(answer.value(), StandardCharsets.UTF_8));
                    }
                    for (ConsumerRecord<String, byte[]> d : dead) {
                        out.printf("  dead       %s: %s%n", new String(d.value(), StandardCharsets.UTF_8), new String(
                                d.headers().lastHeader(KafkaEventBus.DLT_MESSAGE).value(), StandardCharsets.UTF_8));
                    }
                    boolean ok = answers.size() == USERS && dead.size() == 1 && windows > 0;
                    out.println(ok ? "OK: ingested a stream into windowed features, scored a stream with them."
                            : "FAILED: see above.");
                    return ok;
                }
            }
        }
    }

    /** About 12 ratings per user spread over the last hour, keyed by user, and one record that is not JSON. */
    private static int produceActivity(String kafka, String topic, Instant now) {
        Random random = new Random(5);
        int events = 0;
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int minute = 60; minute >= 0; minute--) {
                for (int u = 0; u < USERS; u++) {
                    if (random.nextInt(5) == 0) {
                        double taste = 1 + (u % 5);
                        double rating = Math.max(0.5, Math.min(5, taste + random.nextGaussian() * 0.5));
                        producer.send(new ProducerRecord<>(topic, Integer.toString(u), JSON.write(Map.of("user_id", u,
                                "event_ts", now.minus(Duration.ofMinutes(minute)).plusSeconds(random.nextInt(60)).toString(),
                                "rating", Math.round(rating * 2) / 2.0))));
                        events++;
                    }
                }
            }
            producer.send(new ProducerRecord<>(topic, "0", "rating: 5".getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** One request per user, and one for a user the feature store has never seen. */
    private static void produceRequests(String kafka, String topic) {
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int u = 0; u < USERS; u++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(u), JSON.write(Map.of("user_id", u))));
            }
            producer.send(new ProducerRecord<>(topic, "4242", JSON.write(Map.of("user_id", 4242))));
        }
    }

    /** A next rating that follows the recent mean, a little higher for busy users. */
    private static TrainedModel train() {
        Random random = new Random(9);
        Table.Builder rows = Table.builder(Schema.of(Column.of("ratings", ColumnType.DOUBLE), Column.of("mean", ColumnType.DOUBLE),
                Column.of("next", ColumnType.DOUBLE)));
        for (int i = 0; i < 400; i++) {
            double ratings = 1 + random.nextInt(6);
            double mean = 1 + random.nextDouble() * 4;
            rows.addRow(ratings, mean, Math.min(5, mean + 0.05 * ratings + random.nextGaussian() * 0.1));
        }
        return TabularTrainer.builder().features("ratings", "mean").label("next").hidden(8).epochs(40).seed(3).build()
                .fit(rows.build());
    }

    private static void createTopics(String kafka, String... topics) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String t : topics) {
                wanted.add(new NewTopic(t, 3, (short) 1));
            }
            admin.createTopics(wanted).values().values().forEach(f -> {
                try {
                    f.get();
                } catch (Exception e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics at " + kafka + ": " + e, e);
                    }
                }
            });
        }
    }

    private static KafkaProducer<String, byte[]> producer(String kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka), new StringSerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<String, byte[]>> read(String kafka, String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
            }
        }
        return found;
    }

    private static double count(MeterRegistry meters, String metric, String outcome) {
        Counter counter = meters.find(metric).tag(MetricNames.TAG_OUTCOME, outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
