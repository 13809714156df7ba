package dev.mlops.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.kafka.KafkaEventBus;
import dev.mlops.kafka.StreamScorer;
import dev.mlops.testkit.TinyModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real model scoring a real Kafka stream: order per key, dead letters, commits. */
class StreamScorerTest {
    private static final JsonCodec JSON = JsonCodec.create();
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    /** Rows as JSON arrays of two numbers. */
    private static final Function<byte[], float[]> ROWS = bytes -> {
        List<?> values = JSON.read(bytes, List.class);
        if (values.size() != 2) {
            throw new ValidationException("request", "hold 2 numbers", values.size() + " values");
        }
        return new float[] {((Number) values.get(0)).floatValue(), ((Number) values.get(1)).floatValue()};
    };

    private static List<ConsumerRecord<String, byte[]>> read(String topic, int expected) {
        return KAFKA.broker().read(topic, expected, Duration.ofSeconds(60));
    }

    @Test
    void scoresEveryRequestInOrderPerKeyAndDeadLettersWhatItCannotRead() throws Exception {
        String input = "requests-" + UUID.randomUUID().toString().substring(0, 8);
        String output = input + "-scores";
        KAFKA.broker().createTopic(input, 3);
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home")); TrainedModel model = TinyModels.linear()) {
            ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
            Map<String, List<float[]>> sent = new LinkedHashMap<>();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    KAFKA.broker().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                Random random = new Random(2);
                for (int i = 0; i < 300; i++) {
                    String key = "user-" + (i % 10);
                    float[] row = {(float) random.nextGaussian(), (float) random.nextGaussian()};
                    sent.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
                    producer.send(new ProducerRecord<>(input, key, JSON.write(row)));
                    if (i == 150) {
                        producer.send(new ProducerRecord<>(input, "user-0", "[1, 2, 3]".getBytes(StandardCharsets.UTF_8)));
                    }
                }
                producer.flush();
            }
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                    .registry(mlops.registry()).model("rater").version(v.version()).loader(TrainedModel.servingLoader())
                    .workers(2).maxBatchSize(64).build();
                    StreamScorer<float[], Float> scorer = StreamScorer.<float[], Float>builder("scorer-" + input)
                            .bootstrapServers(KAFKA.broker().bootstrapServers()).inputTopic(input).outputTopic(output)
                            .endpoint(endpoint).decoder(ROWS).encoder(StreamScorer.jsonResult(JSON)).maxInFlight(64).build()) {
                scorer.start();
                List<ConsumerRecord<String, byte[]>> results = read(output, 300);
                assertThat(results).hasSize(300);
                Map<String, Integer> next = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> r : results) {
                    int i = next.merge(r.key(), 1, Integer::sum) - 1;
                    float[] row = sent.get(r.key()).get(i);
                    Map<?, ?> result = JSON.read(r.value(), Map.class);
                    assertThat(((Number) result.get("prediction")).floatValue()).as("result %d of %s", i, r.key())
                            .isCloseTo(endpoint.predict(row).value(), within(1e-5f));
                    assertThat(result.get("version")).isEqualTo(v.version());
                }
                List<ConsumerRecord<String, byte[]>> dead = read(input + KafkaEventBus.DEAD_LETTER_SUFFIX, 1);
                assertThat(dead).hasSize(1);
                assertThat(new String(dead.get(0).headers().lastHeader(KafkaEventBus.DLT_MESSAGE).value(), StandardCharsets.UTF_8))
                        .isEqualTo("request must hold 2 numbers, was '3 values'");
            }
        }
    }

    @Test
    void refusesASetupThatCannotWork() {
        assertThatThrownBy(() -> StreamScorer.<float[], Float>builder("s").bootstrapServers("localhost:1").inputTopic("t")
                .outputTopic("t").build()).isInstanceOf(ValidationException.class)
                .hasMessage("scorer.outputTopic must differ from the input topic, was 't'");
        assertThatThrownBy(() -> StreamScorer.<float[], Float>builder("s").bootstrapServers("localhost:1").inputTopic("a")
                .outputTopic("b").decoder(ROWS).encoder(StreamScorer.jsonResult(JSON)).build())
                .hasMessage("scorer.endpoint must be set, was null");
    }
}
