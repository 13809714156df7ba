package dev.mlops.testkit;

import dev.mlops.api.Nullable;
import dev.mlops.api.event.Event;
import java.time.Instant;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one {@link Event}; start with {@link MlopsAssertions#assertThat(Event)}.
 *
 * <pre>{@code
 * assertThat(event).hasType(EventTypes.MODEL_ALIAS_CHANGED).hasSubject("movie-rater").hasData("alias", "champion");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EventAssert extends AbstractAssert<EventAssert, Event> {

    EventAssert(Event actual) {
        super(actual, EventAssert.class);
    }

    /**
     * Checks the type.
     *
     * @param type the expected type
     * @return this
     */
    public EventAssert hasType(String type) {
        isNotNull();
        if (!actual.type().equals(type)) {
            failWithMessage("Expected event type <%s> but was <%s> in %s", type, actual.type(), actual);
        }
        return this;
    }

    /**
     * Checks the subject.
     *
     * @param subject the expected subject
     * @return this
     */
    public EventAssert hasSubject(String subject) {
        isNotNull();
        if (actual.subject().filter(subject::equals).isEmpty()) {
            failWithMessage("Expected event subject <%s> but was <%s> in %s", subject,
                    actual.subject().orElse(null), actual);
        }
        return this;
    }

    /**
     * Checks the source.
     *
     * @param source the expected source, as text
     * @return this
     */
    public EventAssert hasSource(String source) {
        isNotNull();
        if (!actual.source().toString().equals(source)) {
            failWithMessage("Expected event source <%s> but was <%s> in %s", source, actual.source(), actual);
        }
        return this;
    }

    /**
     * Checks the time.
     *
     * @param time the expected time
     * @return this
     */
    public EventAssert hasTime(Instant time) {
        isNotNull();
        if (!actual.time().equals(time)) {
            failWithMessage("Expected event time <%s> but was <%s> in %s", time, actual.time(), actual);
        }
        return this;
    }

    /**
     * Checks one data entry.
     *
     * @param key the key
     * @param value the expected value
     * @return this
     */
    public EventAssert hasData(String key, @Nullable Object value) {
        isNotNull();
        if (!actual.data().containsKey(key) || !Objects.equals(actual.data().get(key), value)) {
            failWithMessage("Expected event data <%s=%s> but data was <%s> in %s", key, value, actual.data(), actual);
        }
        return this;
    }
}
