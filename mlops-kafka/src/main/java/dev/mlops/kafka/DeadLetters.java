package dev.mlops.kafka;

import dev.mlops.api.Nullable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead-letter records as Spring Kafka writes them: the original key, value and headers, and the error in {@code kafka_dlt-*} headers. */
final class DeadLetters {
    private DeadLetters() {
    }

    static ProducerRecord<String, byte[]> of(String topic, ConsumerRecord<String, byte[]> r, Throwable error, @Nullable String group) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers());
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        header(dead, KafkaEventBus.DLT_EXCEPTION, error.getClass().getName());
        header(dead, KafkaEventBus.DLT_MESSAGE, String.valueOf(error.getMessage()));
        header(dead, KafkaEventBus.DLT_STACKTRACE, trace.toString());
        header(dead, KafkaEventBus.DLT_TOPIC, r.topic());
        header(dead, KafkaEventBus.DLT_PARTITION, Integer.toString(r.partition()));
        header(dead, KafkaEventBus.DLT_OFFSET, Long.toString(r.offset()));
        if (group != null) {
            header(dead, KafkaEventBus.DLT_GROUP, group);
        }
        return dead;
    }

    static void header(ProducerRecord<String, byte[]> record, String key, String value) {
        record.headers().remove(key);
        record.headers().add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
