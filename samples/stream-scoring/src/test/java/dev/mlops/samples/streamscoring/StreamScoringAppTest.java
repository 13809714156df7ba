package dev.mlops.samples.streamscoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.testkit.kafka.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StreamScoringAppTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void ingestsTheActivityStreamAndScoresTheRequestStream(@TempDir Path home) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = StreamScoringApp.run(home, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                KAFKA.broker().bootstrapServers(), "an embedded broker");
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(ok).as(report).isTrue();
        assertThat(report)
                .startsWith("stream-scoring on Kafka at an embedded broker")
                .containsPattern("ingest     \\d+ activity events of 40 users -> \\d+ window rows \\(10 min every 5 min\\) online"
                        + " and in the offline log; 1 record dead-lettered to user-activity-[0-9a-f]{8}-dlt")
                .contains("model      next-rating version 1: predicts a user's next rating from"
                        + " [user_activity__ratings_10m, user_activity__avg_rating_10m]")
                .containsPattern("score      41 requests -> 40 scores on next-rating-scores-[0-9a-f]{8}, 1 dead-lettered")
                .containsPattern("\\{\"request\":\\{\"user_id\":\\d+},\"prediction\":\\d\\.\\d+,\"model\":\"next-rating\","
                        + "\"version\":1,\"route\":\"champion\"}")
                .contains("dead       {\"user_id\":4242}: feature user_activity__ratings_10m of {user_id=4242} must be present"
                        + " to predict, was 'NOT_FOUND'")
                .endsWith("OK: ingested a stream into windowed features, scored a stream with them." + System.lineSeparator());
    }
}
