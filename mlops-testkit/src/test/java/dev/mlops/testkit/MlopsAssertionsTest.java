package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.event.Event;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MlopsAssertionsTest {
    private final Event event = Event.builder("dev.mlops.model.alias.changed").source("/registry").subject("m")
            .time(Instant.parse("2026-01-01T00:00:00Z")).data("alias", "champion").build();

    @Test
    void eventAssertionsPassOnMatchingValues() {
        assertThat(event).hasType("dev.mlops.model.alias.changed").hasSource("/registry").hasSubject("m")
                .hasTime(Instant.parse("2026-01-01T00:00:00Z")).hasData("alias", "champion");
    }

    @Test
    void eventAssertionsNameWhatDiffered() {
        assertThatThrownBy(() -> assertThat(event).hasType("a.b"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("Expected event type <a.b> but was <dev.mlops.model.alias.changed>");
        assertThatThrownBy(() -> assertThat(event).hasSubject("x")).hasMessageStartingWith("Expected event subject <x> but was <m>");
        assertThatThrownBy(() -> assertThat(event).hasData("alias", "challenger"))
                .hasMessageStartingWith("Expected event data <alias=challenger> but data was <{alias=champion}>");
    }

    @Test
    void busAssertionsCheckPresenceAbsenceAndOrder() {
        try (RecordingEventBus events = RecordingEventBus.create()) {
            events.publish(Event.builder("a.one").source("/t").build());
            events.publish(Event.builder("a.two").source("/t").build());
            assertThat(events).hasPublished("a.*").hasNotPublished("b.**").hasPublishedInOrder("a.one", "a.two");
            assertThatThrownBy(() -> assertThat(events).hasPublishedInOrder("a.two", "a.one"))
                    .hasMessage("Expected types in order [a.two, a.one] but the bus recorded [a.one, a.two]");
            assertThatThrownBy(() -> assertThat(events).hasPublished("b.one"))
                    .hasMessage("Expected an event matching <b.one> but the bus recorded types [a.one, a.two]");
            assertThatThrownBy(() -> assertThat(events).hasNotPublished("a.one"))
                    .hasMessageStartingWith("Expected no event matching <a.one> but found [Event{type=a.one");
            assertThat(events).lastPublished("a.*").hasType("a.two");
        }
    }
}
