package dev.mlops.core.event;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.core.platform.JsonCodec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads events in the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md">CloudEvents
 * 1.0 JSON format</a> (structured mode), the form events take on Kafka and on disk.
 *
 * <p>Reading checks {@code specversion}, the required attributes and their types, and then every
 * rule of {@link Event.Builder#build()}; extension attributes are ignored. Numbers come back as JSON
 * reads them: {@code Integer}, {@code Long} or {@code BigInteger} for integers, {@code Double} for
 * fractions.
 *
 * <pre>{@code
 * EventCodec codec = new EventCodec(JsonCodec.create());
 * byte[] json = codec.encode(event);   // {"specversion":"1.0","id":"...","type":"dev.mlops...",...}
 * Event back = codec.decode(json);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EventCodec {
    /** The CloudEvents version written and accepted. */
    public static final String SPEC_VERSION = "1.0";
    /** The content type of the data. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    private final JsonCodec json;

    /**
     * Creates a codec on a JSON codec, whose limits apply.
     *
     * @param json the JSON codec
     */
    public EventCodec(JsonCodec json) {
        this.json = Checks.notNull("json", json);
    }

    /**
     * Writes an event as CloudEvents JSON.
     *
     * @param event the event
     * @return UTF-8 JSON bytes
     */
    public byte[] encode(Event event) {
        Checks.notNull("event", event);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("specversion", SPEC_VERSION);
        doc.put("id", event.id());
        doc.put("source", event.source().toString());
        doc.put("type", event.type());
        event.subject().ifPresent(subject -> doc.put("subject", subject));
        doc.put("time", event.time().toString());
        doc.put("datacontenttype", DATA_CONTENT_TYPE);
        doc.put("data", event.data());
        return json.write(doc);
    }

    /**
     * Reads an event from CloudEvents JSON.
     *
     * @param bytes UTF-8 JSON bytes
     * @return the event
     * @throws ValidationException if the document is not a valid CloudEvents 1.0 event of the SDK
     */
    public Event decode(byte[] bytes) {
        return decode(json.read(bytes, Map.class));
    }

    /**
     * Reads an event whose attributes travel apart from its data, as in the binary content mode of
     * the CloudEvents protocol bindings (Kafka headers, HTTP headers).
     *
     * <pre>{@code
     * Event e = codec.decode(Map.of("specversion", "1.0", "id", id, "source", "/registry", "type", type,
     *         "time", time), valueBytes);
     * }</pre>
     *
     * @param attributes the context attributes by name ({@code specversion}, {@code id}, {@code source},
     *     {@code type}, {@code subject}, {@code time}, {@code datacontenttype})
     * @param data the data as UTF-8 JSON of an object, or {@code null} for none
     * @return the event
     * @throws ValidationException if the attributes or the data do not make a valid event
     */
    public Event decode(Map<String, ?> attributes, byte @Nullable [] data) {
        Checks.notNull("attributes", attributes);
        Map<String, Object> doc = new LinkedHashMap<>(attributes);
        if (data != null && data.length > 0) {
            doc.put("data", json.read(data, Object.class));
        }
        return decode(doc);
    }

    /**
     * Writes an event's data alone, as UTF-8 JSON of an object.
     *
     * @param event the event
     * @return the JSON bytes
     */
    public byte[] encodeData(Event event) {
        return json.write(Checks.notNull("event", event).data());
    }

    private Event decode(Map<?, ?> doc) {
        Object version = doc.get("specversion");
        if (!SPEC_VERSION.equals(version)) {
            throw new ValidationException("event.specversion", "be '" + SPEC_VERSION + "'", version);
        }
        Object contentType = doc.get("datacontenttype");
        if (contentType != null && !DATA_CONTENT_TYPE.equals(contentType)) {
            throw new ValidationException("event.datacontenttype", "be '" + DATA_CONTENT_TYPE + "'", contentType);
        }
        Event.Builder builder = Event.builder(string(doc, "type", true))
                .id(string(doc, "id", true))
                .source(string(doc, "source", true))
                .subject(string(doc, "subject", false))
                .time(time(string(doc, "time", true)));
        Object data = doc.get("data");
        if (data != null) {
            if (!(data instanceof Map)) {
                throw new ValidationException("event.data", "be a JSON object", data);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> entries = (Map<String, Object>) data;
            builder.data(entries);
        }
        return builder.build();
    }

    private static @Nullable String string(Map<?, ?> doc, String attribute, boolean required) {
        Object value = doc.get(attribute);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new ValidationException("event." + attribute, "be a JSON string", value);
        }
        return (String) value;
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new ValidationException("event.time", "be an RFC 3339 timestamp", text);
        }
    }
}
