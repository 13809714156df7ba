package dev.mlops.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.core.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Maps events to and from Kafka records in the structured content mode of the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">CloudEvents
 * Kafka protocol binding</a>: the value is the event's CloudEvents JSON and the {@code content-type}
 * header is {@value #CONTENT_TYPE}. The record key is the event's subject, or its source when it has
 * none, so that the events of one model or run keep their order within a partition.
 *
 * <pre>{@code
 * CloudEventRecords records = new CloudEventRecords(new EventCodec(JsonCodec.create()));
 * producer.send(records.toRecord("mlops-events", event));
 * Event back = records.fromRecord(consumerRecord);   // checked like any external input
 * }</pre>
 *
 * @since 0.1.0
 */
public final class CloudEventRecords {
    /** The content type of structured-mode records. */
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    /** The header that carries the content type. */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    private final EventCodec codec;

    /**
     * Creates the mapping on an event codec, whose JSON limits apply to every record read.
     *
     * @param codec the codec
     */
    public CloudEventRecords(EventCodec codec) {
        this.codec = Checks.notNull("codec", codec);
    }

    /**
     * Makes the record that carries an event.
     *
     * @param topic the topic
     * @param event the event
     * @return a record keyed by subject (or source), with the content-type header set
     */
    public ProducerRecord<String, byte[]> toRecord(String topic, Event event) {
        Checks.text("topic", topic, 249);
        Checks.notNull("event", event);
        String key = event.subject().orElse(event.source().toString());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, codec.encode(event));
        record.headers().add(CONTENT_TYPE_HEADER, CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * Reads the event a record carries.
     *
     * @param record a record written by {@link #toRecord(String, Event)} or by any CloudEvents
     *     producer in structured mode
     * @return the event
     * @throws ValidationException if the record has another content type, no value, or a value
     *     that is not a valid CloudEvents JSON event; the message names topic, partition and offset
     */
    public Event fromRecord(ConsumerRecord<?, byte[]> record) {
        Checks.notNull("record", record);
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Header header = record.headers().lastHeader(CONTENT_TYPE_HEADER);
        if (header != null) {
            String contentType = new String(header.value(), StandardCharsets.UTF_8);
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json")) {
                throw new ValidationException("record " + where + " content-type",
                        "be application/cloudevents+json (structured mode)", contentType);
            }
        }
        if (record.value() == null) {
            throw new ValidationException("record " + where + " value", "hold a CloudEvents JSON event", null);
        }
        try {
            return codec.decode(record.value());
        } catch (ValidationException e) {
            throw ValidationException.withCause(e.field(), "record " + where + ": " + e.getMessage(), e);
        }
    }
}
