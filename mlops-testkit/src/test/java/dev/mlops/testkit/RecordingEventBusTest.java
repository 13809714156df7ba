package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.OverloadedException;
import dev.mlops.api.event.Event;
import dev.mlops.core.event.InProcessEventBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingEventBusTest {

    private static Event event(String type) {
        return Event.builder(type).source("/test").build();
    }

    @Test
    void recordsAcceptedEventsInOrderAndStillDelivers() {
        try (RecordingEventBus events = RecordingEventBus.create()) {
            List<Event> delivered = new CopyOnWriteArrayList<>();
            events.subscribe("a.*", delivered::add);
            events.publish(event("a.one"));
            events.publish(event("b.two"));
            events.publish(event("a.three"));

            assertThat(events.published()).extracting(Event::type).containsExactly("a.one", "b.two", "a.three");
            assertThat(events.published("a.*")).extracting(Event::type).containsExactly("a.one", "a.three");
            events.awaitDelivered(Duration.ofSeconds(10));
            assertThat(delivered).hasSize(2);
            events.clear();
            assertThat(events.published()).isEmpty();
        }
    }

    @Test
    void doesNotRecordRefusedEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (RecordingEventBus events = RecordingEventBus.wrap(InProcessEventBus.builder().queueCapacity(1).build())) {
            events.subscribe("a.b", e -> {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            events.publish(event("a.b"));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            events.publish(event("a.b"));
            assertThatThrownBy(() -> events.publish(event("a.b"))).isInstanceOf(OverloadedException.class);
            assertThat(events.published()).hasSize(2);
            release.countDown();
        }
    }

    @Test
    void awaitDeliveredTimesOutWhileAListenerIsStuck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RecordingEventBus events = RecordingEventBus.create()) {
            events.subscribe("a.b", e -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            events.publish(event("a.b"));
            assertThatThrownBy(() -> events.awaitDelivered(Duration.ofMillis(20)))
                    .hasMessage("delivery of 1 events timed out after PT0.02S");
            release.countDown();
        }
    }
}
