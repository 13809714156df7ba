package dev.mlops.testkit;

import dev.mlops.api.event.Event;
import dev.mlops.api.event.TypePattern;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on what a {@link RecordingEventBus} accepted; start with
 * {@link MlopsAssertions#assertThat(RecordingEventBus)}.
 *
 * <pre>{@code
 * assertThat(events)
 *         .hasPublished("dev.mlops.pipeline.run.finished")
 *         .hasNotPublished("dev.mlops.pipeline.run.failed")
 *         .hasPublishedInOrder("dev.mlops.pipeline.run.started", "dev.mlops.pipeline.run.finished");
 * assertThat(events).lastPublished("dev.mlops.model.**").hasSubject("movie-rater");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RecordingEventBusAssert extends AbstractAssert<RecordingEventBusAssert, RecordingEventBus> {

    RecordingEventBusAssert(RecordingEventBus actual) {
        super(actual, RecordingEventBusAssert.class);
    }

    /**
     * Checks that at least one event whose type matches the pattern was published.
     *
     * @param typePattern a type or a {@link TypePattern}
     * @return this
     */
    public RecordingEventBusAssert hasPublished(String typePattern) {
        isNotNull();
        if (actual.published(typePattern).isEmpty()) {
            failWithMessage("Expected an event matching <%s> but the bus recorded types %s", typePattern, types());
        }
        return this;
    }

    /**
     * Checks that no event whose type matches the pattern was published.
     *
     * @param typePattern a type or a {@link TypePattern}
     * @return this
     */
    public RecordingEventBusAssert hasNotPublished(String typePattern) {
        isNotNull();
        List<Event> found = actual.published(typePattern);
        if (!found.isEmpty()) {
            failWithMessage("Expected no event matching <%s> but found %s", typePattern, found);
        }
        return this;
    }

    /**
     * Checks that events of these types were published in this order, others possibly in between.
     *
     * @param types the expected types, in order
     * @return this
     */
    public RecordingEventBusAssert hasPublishedInOrder(String... types) {
        isNotNull();
        List<String> recorded = types();
        int next = 0;
        for (String type : recorded) {
            if (next < types.length && type.equals(types[next])) {
                next++;
            }
        }
        if (next < types.length) {
            failWithMessage("Expected types in order %s but the bus recorded %s", Arrays.toString(types), recorded);
        }
        return this;
    }

    /**
     * Moves on to the last published event whose type matches the pattern.
     *
     * @param typePattern a type or a {@link TypePattern}
     * @return assertions on that event
     */
    public EventAssert lastPublished(String typePattern) {
        hasPublished(typePattern);
        List<Event> found = actual.published(typePattern);
        return new EventAssert(found.get(found.size() - 1));
    }

    private List<String> types() {
        return actual.published().stream().map(Event::type).toList();
    }
}
