package dev.mlops.benchmarks;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.serving.Prediction;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.kafka.StreamScorer;
import dev.mlops.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stream scoring throughput beside the endpoint's own. The serving benchmark's MLP behind one
 * endpoint (2 workers, batches of up to 64): first the endpoint alone, given the requests in
 * rounds of 500 submitted together and awaited (as the scorer does with one poll); then a
 * {@link StreamScorer} reading the same 50,000 requests (JSON arrays, 3 partitions, already in the
 * topic) from an in-process broker, scoring them and producing one JSON result each, measured until
 * the last result can be read from the output topic. Run with
 * {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.StreamScoringHarness}.
 */
public final class StreamScoringHarness {
    private static final int REQUESTS = 50_000;
    private static final int ROUND = 500;
    private static final JsonCodec JSON = JsonCodec.create();

    private StreamScoringHarness() {
    }

    /**
     * Runs both measurements and prints the figures.
     *
     * @param args none
     * @throws Exception if the model cannot be trained or served
     */
    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("mlops-stream-");
        try (EmbeddedKafka broker = EmbeddedKafka.start(); MlopsPlatform mlops = MlopsPlatform.embedded(home);
                TrainedModel model = ServingBenchmark.mlp()) {
            ModelVersion version = model.register(mlops.registry(), "mlp", spec -> { });
            List<float[]> requests = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(ServingBenchmark.input());
            }
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("mlp")
                    .registry(mlops.registry()).model("mlp").version(version.version()).loader(TrainedModel.servingLoader())
                    .workers(2).maxBatchSize(64).queueCapacity(ROUND * 2).warmUp(ServingBenchmark.input()).build()) {
                endpointAlone(endpoint, requests);
                double alone = endpointAlone(endpoint, requests);
                broker.createTopic("requests", 3);
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers(), "linger.ms", "5"), new StringSerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < REQUESTS; i++) {
                        producer.send(new ProducerRecord<>("requests", "user-" + (i % 1_000), JSON.write(requests.get(i))));
                    }
                }
                double copied = passThrough(broker);
                double streamed = stream(broker, endpoint);
                System.out.printf(Locale.ROOT, "endpoint alone (rounds of %d): %.0f requests/s%n", ROUND, alone);
                System.out.printf(Locale.ROOT, "Kafka pass-through (consume, produce, commit; no model): %.0f records/s%n", copied);
                System.out.printf(Locale.ROOT, "stream scorer (Kafka in and out, committed): %.0f requests/s (%.2f of the endpoint)%n",
                        streamed, streamed / alone);
            }
        } finally {
            Benchmarks.deleteRecursively(home);
        }
    }

    private static double endpointAlone(EmbeddedServingEndpoint<float[], Float> endpoint, List<float[]> requests) {
        long start = System.nanoTime();
        for (int from = 0; from < requests.size(); from += ROUND) {
            List<CompletableFuture<Prediction<Float>>> round = new ArrayList<>(ROUND);
            for (float[] r : requests.subList(from, Math.min(from + ROUND, requests.size()))) {
                round.add(endpoint.submit(r, null, Duration.ofSeconds(10)));
            }
            round.forEach(CompletableFuture::join);
        }
        return requests.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** Baseline: the requests copied to another topic the way the scorer moves them, without a model. */
    private static double passThrough(EmbeddedKafka broker) throws Exception {
        broker.createTopic("copies", 3);
        try (KafkaConsumer<String, byte[]> in = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "copier", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(ROUND), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> out = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        "true", ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer())) {
            in.subscribe(List.of("requests"));
            long start = System.nanoTime();
            int copied = 0;
            while (copied < REQUESTS) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : in.poll(Duration.ofMillis(100))) {
                    sends.add(out.send(new ProducerRecord<>("copies", r.key(), r.value())));
                }
                for (Future<RecordMetadata> f : sends) {
                    f.get();
                }
                in.commitSync();
                copied += sends.size();
            }
            return REQUESTS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double stream(EmbeddedKafka broker, EmbeddedServingEndpoint<float[], Float> endpoint) {
        Function<byte[], float[]> decoder = bytes -> {
            List<?> values = JSON.read(bytes, List.class);
            float[] row = new float[values.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = ((Number) values.get(i)).floatValue();
            }
            return row;
        };
        try (KafkaConsumer<String, byte[]> results = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
                StreamScorer<float[], Float> scorer = StreamScorer.<float[], Float>builder("bench")
                        .bootstrapServers(broker.bootstrapServers()).inputTopic("requests").outputTopic("scores")
                        .endpoint(endpoint).decoder(decoder).encoder(StreamScorer.jsonResult(JSON)).maxInFlight(ROUND).build()) {
            broker.createTopic("scores", 3);
            results.subscribe(List.of("scores"));
            long start = System.nanoTime();
            scorer.start();
            int read = 0;
            while (read < REQUESTS) {
                read += results.poll(Duration.ofMillis(100)).count();
            }
            return REQUESTS / ((System.nanoTime() - start) / 1e9);
        }
    }
}
