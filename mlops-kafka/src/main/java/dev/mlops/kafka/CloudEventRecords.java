package dev.mlops.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.core.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Maps events to and from Kafka records by the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">CloudEvents
 * Kafka protocol binding</a>. Records are written in the binary content mode: the context attributes
 * travel as {@code ce_*} headers ({@code ce_specversion}, {@code ce_id}, {@code ce_source},
 * {@code ce_type}, {@code ce_subject}, {@code ce_time}), the value is the event's data as JSON and
 * the {@code content-type} header is {@code application/json}. Both modes are read: a record whose
 * content type is {@value #STRUCTURED_CONTENT_TYPE} carries the whole event as CloudEvents JSON. The
 * record key is the event's subject, or its source when it has none, so that the events of one
 * model or run keep their order within a partition.
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
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    /** The header that carries the content type. */
    public static final String CONTENT_TYPE_HEADER = "content-type";
    /** The prefix of the headers that carry the context attributes in binary mode. */
    public static final String HEADER_PREFIX = "ce_";

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
     * Makes the record that carries an event, in binary mode.
     *
     * @param topic the topic
     * @param event the event
     * @return a record keyed by subject (or source), attributes in {@code ce_*} headers, data as value
     */
    public ProducerRecord<String, byte[]> toRecord(String topic, Event event) {
        Checks.text("topic", topic, 249);
        Checks.notNull("event", event);
        String key = event.subject().orElse(event.source().toString());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, codec.encodeData(event));
        Headers headers = record.headers();
        header(headers, "specversion", EventCodec.SPEC_VERSION);
        header(headers, "id", event.id());
        header(headers, "source", event.source().toString());
        header(headers, "type", event.type());
        event.subject().ifPresent(subject -> header(headers, "subject", subject));
        header(headers, "time", event.time().toString());
        headers.add(CONTENT_TYPE_HEADER, EventCodec.DATA_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static void header(Headers headers, String attribute, String value) {
        headers.add(HEADER_PREFIX + attribute, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the event a record carries, in either content mode.
     *
     * @param record a record written by {@link #toRecord(String, Event)} or by any CloudEvents producer
     * @return the event
     * @throws ValidationException if the record is not a valid CloudEvent; the message names topic,
     *     partition and offset
     */
    public Event fromRecord(ConsumerRecord<?, byte[]> record) {
        Checks.notNull("record", record);
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Header contentType = record.headers().lastHeader(CONTENT_TYPE_HEADER);
        String type = contentType == null ? null : new String(contentType.value(), StandardCharsets.UTF_8);
        try {
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(STRUCTURED_CONTENT_TYPE)) {
                if (record.value() == null) {
                    throw new ValidationException("value", "hold a CloudEvents JSON event", null);
                }
                return codec.decode(record.value());
            }
            if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(EventCodec.DATA_CONTENT_TYPE)) {
                throw new ValidationException("content-type", "be " + EventCodec.DATA_CONTENT_TYPE + " (binary mode) or "
                        + STRUCTURED_CONTENT_TYPE + " (structured mode)", type);
            }
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (Header h : record.headers()) {
                if (h.key().startsWith(HEADER_PREFIX) && h.value() != null) {
                    attributes.put(h.key().substring(HEADER_PREFIX.length()), new String(h.value(), StandardCharsets.UTF_8));
                }
            }
            if (!attributes.containsKey("specversion")) {
                throw new ValidationException("headers", "carry ce_specversion (a CloudEvent in binary mode)",
                        attributes.keySet());
            }
            return codec.decode(attributes, record.value());
        } catch (ValidationException e) {
            throw ValidationException.withCause(e.field(), "record " + where + ": " + e.getMessage(), e);
        }
    }
}
