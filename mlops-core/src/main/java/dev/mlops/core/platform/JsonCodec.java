package dev.mlops.core.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON reader and writer of the SDK, configured for untrusted input: no polymorphic default
 * typing (so a document can never choose a class to instantiate), limits on document size, nesting
 * depth, string and number length, duplicate keys and trailing content rejected, no coercion of
 * scalars ({@code "1"} is not an {@code int}), {@code java.time} values as ISO-8601 strings, and
 * {@code Optional}s as their value or {@code null}.
 *
 * <pre>{@code
 * JsonCodec json = JsonCodec.create();
 * byte[] bytes = json.write(Map.of("rmse", 0.81));
 * Map<?, ?> back = json.read(bytes, Map.class);
 * JsonCodec small = JsonCodec.builder().maxDocumentBytes(64 * 1024).build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class JsonCodec {
    /** The default largest document read, in bytes (16 MiB). */
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 16 << 20;
    /** The default deepest nesting of arrays and objects. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

    private final ObjectMapper mapper;
    private final int maxDocumentBytes;

    private JsonCodec(Builder b) {
        this.maxDocumentBytes = b.maxDocumentBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(b.maxDocumentBytes)
                        .maxNestingDepth(b.maxNestingDepth)
                        .maxStringLength(b.maxDocumentBytes)
                        .maxNumberLength(1000)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(b.maxNestingDepth).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /**
     * Returns a codec with the default limits.
     *
     * @return a codec
     */
    public static JsonCodec create() {
        return builder().build();
    }

    /**
     * Starts a codec with limits of its own.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes a value as UTF-8 JSON.
     *
     * @param value a map, list, record or bean
     * @return the JSON bytes
     * @throws ValidationException if the value cannot be written as JSON
     */
    public byte[] write(@Nullable Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw ValidationException.withCause("value",
                    "value of " + (value == null ? "null" : value.getClass().getName())
                            + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value as a JSON string.
     *
     * @param value a map, list, record or bean
     * @return the JSON text
     * @throws ValidationException if the value cannot be written as JSON
     */
    public String writeString(@Nullable Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /**
     * Reads a UTF-8 JSON document as a value of a type.
     *
     * @param json the document
     * @param type the class to read into, e.g. {@code Map.class} or a record
     * @param <T> the type
     * @return the value
     * @throws ValidationException if the document is too large, malformed or does not fit the type
     */
    public <T> T read(byte[] json, Class<T> type) {
        Checks.notNull("json", json);
        if (json.length > maxDocumentBytes) {
            throw new ValidationException("json", "be at most " + maxDocumentBytes + " bytes",
                    json.length + " bytes");
        }
        try {
            T value = mapper.readValue(json, type);
            if (value == null) {
                throw new ValidationException("json", "hold a " + type.getSimpleName() + ", not null", "null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ValidationException.withCause("json", "json is not a valid " + type.getSimpleName()
                    + ": " + e.getOriginalMessage() + " at " + location(e), e);
        } catch (IOException e) {
            throw ValidationException.withCause("json", "json cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON text as a value of a type.
     *
     * @param json the document
     * @param type the class to read into
     * @param <T> the type
     * @return the value
     * @throws ValidationException if the document is too large, malformed or does not fit the type
     */
    public <T> T read(String json, Class<T> type) {
        Checks.notNull("json", json);
        return read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "unknown position"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /**
     * Builds a {@link JsonCodec} with limits of its own.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

        private Builder() {
        }

        /**
         * Sets the largest document read.
         *
         * @param bytes between 2 and 1 GiB
         * @return this builder
         */
        public Builder maxDocumentBytes(int bytes) {
            this.maxDocumentBytes = Checks.inRange("maxDocumentBytes", bytes, 2, 1 << 30);
            return this;
        }

        /**
         * Sets the deepest nesting of arrays and objects read or written.
         *
         * @param depth between 1 and 1000
         * @return this builder
         */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = Checks.inRange("maxNestingDepth", depth, 1, 1000);
            return this;
        }

        /**
         * Creates the codec.
         *
         * @return the codec
         */
        public JsonCodec build() {
            return new JsonCodec(this);
        }
    }
}
