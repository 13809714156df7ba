package dev.mlops.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.core.event.EventCodec;
import dev.mlops.core.platform.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class CloudEventRecordsTest {
    private final CloudEventRecords records = new CloudEventRecords(new EventCodec(JsonCodec.create()));
    private final Event event = Event.builder(EventTypes.MODEL_ALIAS_CHANGED).source("/registry").subject("movie-rater")
            .time(Instant.parse("2026-01-01T00:00:00Z")).data("alias", "champion").build();

    private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> sent) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(sent.topic(), 0, 42L, sent.key(), sent.value());
        sent.headers().forEach(h -> record.headers().add(h));
        return record;
    }

    @Test
    void carriesAnEventInStructuredModeKeyedBySubject() {
        ProducerRecord<String, byte[]> sent = records.toRecord("mlops-events", event);
        assertThat(sent.key()).isEqualTo("movie-rater");
        assertThat(new String(sent.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo(CloudEventRecords.CONTENT_TYPE);
        assertThat(records.fromRecord(consumed(sent))).isEqualTo(event);
    }

    @Test
    void keysBySourceWhenThereIsNoSubject() {
        Event noSubject = event.toBuilder().subject(null).build();
        assertThat(records.toRecord("t", noSubject).key()).isEqualTo("/registry");
    }

    @Test
    void rejectsOtherContentTypes() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", 1, 7L, "k", "{}".getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/avro".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> records.fromRecord(record)).isInstanceOf(ValidationException.class)
                .hasMessage("record t-1@7 content-type must be application/cloudevents+json (structured mode), was 'application/avro'");
    }

    @Test
    void rejectsTombstones() {
        assertThatThrownBy(() -> records.fromRecord(new ConsumerRecord<>("t", 0, 3L, "k", null)))
                .hasMessage("record t-0@3 value must hold a CloudEvents JSON event, was null");
    }

    @Test
    void rejectsInvalidEventsNamingTheRecord() {
        byte[] bad = "{\"specversion\":\"0.3\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> records.fromRecord(new ConsumerRecord<>("t", 2, 9L, "k", bad)))
                .isInstanceOf(ValidationException.class)
                .hasMessage("record t-2@9: event.specversion must be '1.0', was '0.3'");
    }

    @Test
    void rejectsBlankTopic() {
        assertThatThrownBy(() -> records.toRecord(" ", event)).hasMessage("topic must not be blank, was ' '");
    }
}
