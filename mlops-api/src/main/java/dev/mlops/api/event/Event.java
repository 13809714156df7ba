package dev.mlops.api.event;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Something that happened in the ML lifecycle, shaped as a
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md">CloudEvents 1.0</a>
 * event: {@code id}, {@code source}, {@code type}, optional {@code subject}, {@code time} and JSON
 * {@code data}. Immutable; the data is deep-copied and checked at {@link Builder#build()}.
 *
 * <p>Data values are JSON values: {@code null}, {@link String}, {@link Boolean}, finite
 * {@link Number}s ({@code Integer}, {@code Long}, {@code Double}, {@code BigDecimal}...), {@link List}s
 * of JSON values and {@link Map}s with string keys. Anything else is rejected, so an event always
 * round-trips through JSON and Kafka unchanged.
 *
 * <pre>{@code
 * Event event = Event.builder(EventTypes.MODEL_ALIAS_CHANGED)
 *         .source("/registry/movie-rater")
 *         .subject("movie-rater")
 *         .data("alias", "champion")
 *         .data("version", 7)
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Event {
    /** The longest id, type, source and subject allowed, in characters. */
    public static final int MAX_TYPE_LENGTH = 256;
    /** The deepest nesting of lists and maps allowed in data. */
    public static final int MAX_DATA_DEPTH = 32;
    /** The largest data allowed, counted as characters of its JSON form. */
    public static final int MAX_DATA_CHARS = 1 << 20;
    /** The pattern of event types: two or more dot-separated segments, e.g. {@code dev.mlops.model.alias.changed}. */
    public static final String TYPE_PATTERN = "[a-z][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)+";

    private static final Pattern TYPE = Pattern.compile(TYPE_PATTERN);
    /** Types already checked; types are few and reused, so most checks skip the regular expression. */
    private static final Set<String> CHECKED_TYPES = ConcurrentHashMap.newKeySet();
    private static final int MAX_CHECKED_TYPES = 4096;

    private final String id;
    private final URI source;
    private final String type;
    private final @Nullable String subject;
    private final Instant time;
    private final Map<String, Object> data;

    private Event(String id, URI source, String type, @Nullable String subject, Instant time,
            Map<String, Object> data) {
        this.id = id;
        this.source = source;
        this.type = type;
        this.subject = subject;
        this.time = time;
        this.data = data;
    }

    /**
     * Starts an event of a type. The id defaults to a random UUID and the time to now.
     *
     * @param type the event type, e.g. {@link EventTypes#PIPELINE_RUN_FINISHED}; checked at build
     * @return a builder
     */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /**
     * Checks that a string is a valid event type.
     *
     * @param field the field named in the error
     * @param type the candidate type
     * @return {@code type}
     * @throws ValidationException if the type is malformed
     */
    public static String checkType(String field, @Nullable String type) {
        if (type != null && CHECKED_TYPES.contains(type)) {
            return type;
        }
        Checks.text(field, type, MAX_TYPE_LENGTH);
        if (!TYPE.matcher(type).matches()) {
            throw new ValidationException(field, "match " + TYPE_PATTERN, type);
        }
        if (CHECKED_TYPES.size() < MAX_CHECKED_TYPES) {
            CHECKED_TYPES.add(type);
        }
        return type;
    }

    /**
     * The id, unique per source.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * Where the event happened, e.g. {@code /pipelines/train-movie-rater}.
     *
     * @return the source URI reference
     */
    public URI source() {
        return source;
    }

    /**
     * What happened, e.g. {@code dev.mlops.pipeline.run.finished}.
     *
     * @return the type
     */
    public String type() {
        return type;
    }

    /**
     * What the event is about within its source, e.g. a run id or a model name.
     *
     * @return the subject, if any
     */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /**
     * When it happened.
     *
     * @return the time
     */
    public Instant time() {
        return time;
    }

    /**
     * The payload, an unmodifiable map of JSON values in insertion order.
     *
     * @return the data; empty if none was set
     */
    public Map<String, Object> data() {
        return data;
    }

    /**
     * Returns a builder preset with all the fields of this event.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(type).id(id).source(source).subject(subject).time(time);
        b.data.putAll(data);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Event)) {
            return false;
        }
        Event e = (Event) o;
        return id.equals(e.id) && source.equals(e.source) && type.equals(e.type)
                && Objects.equals(subject, e.subject) && time.equals(e.time) && data.equals(e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, type, subject, time, data);
    }

    @Override
    public String toString() {
        return "Event{type=" + type + ", id=" + id + ", source=" + source
                + (subject == null ? "" : ", subject=" + subject) + ", time=" + time + ", data=" + data + "}";
    }

    /**
     * Builds an {@link Event}; every field is checked at {@link #build()}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String type;
        private String id = randomId();
        private @Nullable URI source;
        private @Nullable String sourceText;
        private @Nullable String subject;
        private @Nullable Instant time;
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(String type) {
            this.type = type;
        }

        /**
         * Sets the id; by default a random UUID.
         *
         * @param id a non-blank id of at most 256 characters
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the source.
         *
         * @param source a URI reference such as {@code /registry/movie-rater}
         * @return this builder
         */
        public Builder source(URI source) {
            this.source = source;
            this.sourceText = null;
            return this;
        }

        /**
         * Sets the source from text, parsed as a URI reference at build.
         *
         * @param source e.g. {@code "/pipelines/train"} or {@code "urn:mlops:scheduler"}
         * @return this builder
         */
        public Builder source(String source) {
            this.sourceText = source;
            this.source = null;
            return this;
        }

        /**
         * Sets the subject.
         *
         * @param subject what the event is about, or {@code null} for none
         * @return this builder
         */
        public Builder subject(@Nullable String subject) {
            this.subject = subject;
            return this;
        }

        /**
         * Sets the time; by default the moment of {@link #build()}.
         *
         * @param time when it happened
         * @return this builder
         */
        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        /**
         * Adds one data entry, replacing an entry with the same key.
         *
         * @param key a non-blank key
         * @param value a JSON value (see {@link Event})
         * @return this builder
         */
        public Builder data(String key, @Nullable Object value) {
            this.data.put(key, value);
            return this;
        }

        /**
         * Adds every entry of a map, replacing entries with the same keys.
         *
         * @param entries JSON values by key
         * @return this builder
         */
        public Builder data(Map<String, ?> entries) {
            Checks.notNull("event.data", entries);
            this.data.putAll(entries);
            return this;
        }

        /**
         * Checks every field and creates the event.
         *
         * @return the event
         * @throws ValidationException naming the first field that breaks a rule
         */
        public Event build() {
            checkType("event.type", type);
            Checks.text("event.id", id, MAX_TYPE_LENGTH);
            URI uri = sourceText != null ? parseSource(sourceText) : source;
            Checks.notNull("event.source", uri);
            if (uri.toString().isEmpty() || uri.toString().length() > MAX_TYPE_LENGTH) {
                throw new ValidationException("event.source",
                        "be a non-empty URI reference of at most " + MAX_TYPE_LENGTH + " characters", uri);
            }
            if (subject != null) {
                Checks.text("event.subject", subject, MAX_TYPE_LENGTH);
            }
            Instant at = time != null ? time : Instant.now();
            DataCopier copier = new DataCopier();
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) copier.copy("event.data", data, 0);
            return new Event(id, uri, type, subject, at, copy);
        }

        /** A random (version 4) UUID; ids need uniqueness, not secrecy, so no SecureRandom. */
        private static String randomId() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long high = (random.nextLong() & ~0xF000L) | 0x4000L;
            long low = (random.nextLong() & ~(3L << 62)) | (2L << 62);
            return new UUID(high, low).toString();
        }

        private static URI parseSource(String text) {
            try {
                return new URI(text);
            } catch (URISyntaxException e) {
                throw new ValidationException("event.source", "be a URI reference", text);
            }
        }
    }

    /** Deep-copies data into unmodifiable collections, checking types, depth and size. */
    private static final class DataCopier {
        private long chars;

        Object copy(String path, @Nullable Object value, int depth) {
            if (depth > MAX_DATA_DEPTH) {
                throw new ValidationException(path, "be nested at most " + MAX_DATA_DEPTH + " levels deep", "...");
            }
            if (value == null || value instanceof Boolean) {
                return count(value, 5);
            }
            if (value instanceof String) {
                return count(value, ((String) value).length() + 2);
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new ValidationException(path, "be a finite number (JSON has no NaN or infinity)", value);
                }
                return count(value, 24);
            }
            if (value instanceof Integer || value instanceof Long || value instanceof Short
                    || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
                return count(value, value.toString().length());
            }
            if (value instanceof List) {
                List<Object> list = new ArrayList<>();
                int i = 0;
                for (Object element : (List<?>) value) {
                    list.add(copy(path + "[" + i++ + "]", element, depth + 1));
                }
                count(null, 2);
                return Collections.unmodifiableList(list);
            }
            if (value instanceof Map) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    if (!(entry.getKey() instanceof String)) {
                        throw new ValidationException(path, "have string keys", entry.getKey());
                    }
                    String key = (String) entry.getKey();
                    Checks.text(path + " key", key, MAX_TYPE_LENGTH);
                    count(null, key.length() + 4);
                    map.put(key, copy(path + "." + key, entry.getValue(), depth + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            throw new ValidationException(path,
                    "be a JSON value (null, String, Boolean, finite Number, List or Map), not a "
                            + value.getClass().getName(), value);
        }

        private @Nullable Object count(@Nullable Object value, int size) {
            chars += size;
            if (chars > MAX_DATA_CHARS) {
                throw new ValidationException("event.data",
                        "be at most " + MAX_DATA_CHARS + " characters as JSON", "larger");
            }
            return value;
        }
    }
}
