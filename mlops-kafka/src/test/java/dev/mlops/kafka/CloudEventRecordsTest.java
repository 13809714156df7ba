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

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void carriesAnEventInBinaryModeKeyedBySubject() {
        ProducerRecord<String, byte[]> sent = records.toRecord("mlops-events", event);
        assertThat(sent.key()).isEqualTo("movie-rater");
        assertThat(header(sent, "content-type")).isEqualTo("application/json");
        assertThat(header(sent, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(sent, "ce_id")).isEqualTo(event.id());
        assertThat(header(sent, "ce_source")).isEqualTo("/registry");
        assertThat(header(sent, "ce_type")).isEqualTo(EventTypes.MODEL_ALIAS_CHANGED);
        assertThat(header(sent, "ce_subject")).isEqualTo("movie-rater");
        assertThat(header(sent, "ce_time")).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(new String(sent.value(), StandardCharsets.UTF_8)).isEqualTo("{\"alias\":\"champion\"}");
        assertThat(records.fromRecord(consumed(sent))).isEqualTo(event);
    }

    @Test
    void readsStructuredModeToo() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", 0, 1L, "k",
                new EventCodec(JsonCodec.create()).encode(event));
        record.headers().add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        assertThat(records.fromRecord(record)).isEqualTo(event);
    }

    @Test
    void keysBySourceWhenThereIsNoSubject() {
        Event noSubject = event.toBuilder().subject(null).build();
        ProducerRecord<String, byte[]> sent = records.toRecord("t", noSubject);
        assertThat(sent.key()).isEqualTo("/registry");
        assertThat(sent.headers().lastHeader("ce_subject")).isNull();
        assertThat(records.fromRecord(consumed(sent))).isEqualTo(noSubject);
    }

    @Test
    void rejectsRecordsThatAreNotCloudEventsNamingTheRecord() {
        ConsumerRecord<String, byte[]> avro = new ConsumerRecord<>("t", 1, 7L, "k", "{}".getBytes(StandardCharsets.UTF_8));
        avro.headers().add("content-type", "application/avro".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> records.fromRecord(avro)).isInstanceOf(ValidationException.class)
                .hasMessage("record t-1@7: content-type must be application/json (binary mode) or application/cloudevents+json"
                        + " (structured mode), was 'application/avro'");
        assertThatThrownBy(() -> records.fromRecord(new ConsumerRecord<>("t", 0, 3L, "k", "poison".getBytes(StandardCharsets.UTF_8))))
                .hasMessage("record t-0@3: headers must carry ce_specversion (a CloudEvent in binary mode), was '[]'");
        ConsumerRecord<String, byte[]> tombstone = new ConsumerRecord<>("t", 0, 4L, "k", null);
        tombstone.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> records.fromRecord(tombstone))
                .hasMessage("record t-0@4: value must hold a CloudEvents JSON event, was null");
        ConsumerRecord<String, byte[]> badType = consumed(records.toRecord("t", event));
        badType.headers().remove("ce_type");
        badType.headers().add("ce_type", "Not A Type".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> records.fromRecord(badType)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("record t-0@42: ");
    }

    @Test
    void rejectsBlankTopic() {
        assertThatThrownBy(() -> records.toRecord(" ", event)).hasMessage("topic must not be blank, was ' '");
    }
}
