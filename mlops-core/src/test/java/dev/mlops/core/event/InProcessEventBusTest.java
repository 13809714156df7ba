package dev.mlops.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.MlopsException;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.Subscription;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessEventBusTest {
    private static final long WAIT_S = 10;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InProcessEventBus bus = InProcessEventBus.builder().name("test").meterRegistry(meters).build();

    @AfterEach
    void close() {
        bus.close();
    }

    private static Event event(String type, int n) {
        return Event.builder(type).source("/test").data("n", n).build();
    }

    private static Event take(BlockingQueue<Event> queue) throws InterruptedException {
        Event e = queue.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(e).as("event delivered within %s s", WAIT_S).isNotNull();
        return e;
    }

    @Test
    void deliversToEveryMatchingSubscriptionOnly() throws Exception {
        BlockingQueue<Event> models = new LinkedBlockingQueue<>();
        BlockingQueue<Event> all = new LinkedBlockingQueue<>();
        bus.subscribe("dev.mlops.model.**", models::add);
        bus.subscribe("**", all::add);

        bus.publish(event("dev.mlops.pipeline.run.finished", 1));
        bus.publish(event("dev.mlops.model.alias.changed", 2));

        assertThat(take(all).data()).containsEntry("n", 1);
        assertThat(take(all).data()).containsEntry("n", 2);
        assertThat(take(models).type()).isEqualTo("dev.mlops.model.alias.changed");
        bus.close();
        assertThat(models).isEmpty();
        assertThat(meters.get(MetricNames.EVENT_PUBLISHED).tag("type", "dev.mlops.model.alias.changed").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get(MetricNames.EVENT_DELIVERED).tag("bus", "test").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(3.0);
    }

    @Test
    void deliversEachSubscriptionItsEventsInOrder() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1000);
        bus.subscribe("a.b", e -> {
            seen.add((Integer) e.data().get("n"));
            done.countDown();
        });
        for (int i = 0; i < 1000; i++) {
            bus.publish(event("a.b", i));
        }
        assertThat(done.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).isSorted().hasSize(1000);
    }

    @Test
    void aFailingListenerAffectsNoOtherListenerAndIsCounted() throws Exception {
        BlockingQueue<Event> healthy = new LinkedBlockingQueue<>();
        BlockingQueue<Event> afterFailure = new LinkedBlockingQueue<>();
        bus.subscribe("a.b", e -> {
            if (e.data().get("n").equals(1)) {
                throw new IllegalStateException("boom");
            }
            afterFailure.add(e);
        });
        bus.subscribe("a.b", healthy::add);

        bus.publish(event("a.b", 1));
        bus.publish(event("a.b", 2));

        assertThat(take(healthy).data()).containsEntry("n", 1);
        assertThat(take(healthy).data()).containsEntry("n", 2);
        assertThat(take(afterFailure).data()).containsEntry("n", 2);
        assertThat(meters.get(MetricNames.EVENT_FAILED).tag("exception", "IllegalStateException").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    @SuppressWarnings("try")
    void refusesAWholePublishWhenAnyMatchingQueueIsFull() throws Exception {
        try (InProcessEventBus small = InProcessEventBus.builder().queueCapacity(1).meterRegistry(meters).build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            BlockingQueue<Event> fast = new LinkedBlockingQueue<>();
            small.subscribe("a.b", e -> {
                blocked.countDown();
                awaitQuietly(release);
            });
            small.subscribe("a.b", fast::add);
            small.publish(event("a.b", 1));
            assertThat(blocked.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
            take(fast);
            small.publish(event("a.b", 2));   // fills the slow queue

            assertThatThrownBy(() -> small.publish(event("a.b", 3)))
                    .isInstanceOf(OverloadedException.class)
                    .hasMessageContaining("event queue of subscription 'a.b' on bus 'in-process' is full (1 events)")
                    .matches(e -> ((OverloadedException) e).retryable());
            assertThat(take(fast).data()).containsEntry("n", 2);
            release.countDown();
            small.close();
            assertThat(fast).isEmpty();   // event 3 reached no one
        }
    }

    @Test
    void closeDeliversWhatWasAcceptedAndRefusesMore() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("a.b", e -> {
            sleepQuietly(2);
            seen.add(e);
        });
        for (int i = 0; i < 50; i++) {
            bus.publish(event("a.b", i));
        }
        bus.close();
        assertThat(seen).hasSize(50);
        assertThat(bus.pending()).isZero();
        assertThatThrownBy(() -> bus.publish(event("a.b", 99)))
                .isInstanceOf(MlopsException.class)
                .hasMessageStartingWith("event bus 'test' is closed; event a.b");
        assertThatThrownBy(() -> bus.subscribe("a.b", e -> { }))
                .hasMessage("event bus 'test' is closed; cannot subscribe to 'a.b'");
    }

    @Test
    void closeFromInsideAListenerDoesNotDeadlock() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        bus.subscribe("a.b", e -> {
            bus.close();
            closed.countDown();
        });
        bus.publish(event("a.b", 1));
        assertThat(closed.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unsubscribeStopsDeliveriesAndDropsQueuedEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        List<Event> seen = new CopyOnWriteArrayList<>();
        Subscription s = bus.subscribe("a.b", e -> {
            seen.add(e);
            first.countDown();
            awaitQuietly(release);
        });
        bus.publish(event("a.b", 1));
        assertThat(first.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        bus.publish(event("a.b", 2));
        bus.publish(event("a.b", 3));

        s.unsubscribe();
        s.close();
        release.countDown();
        bus.close();

        assertThat(s.active()).isFalse();
        assertThat(s.pattern()).hasToString("a.b");
        assertThat(seen).hasSize(1);
        assertThat(meters.get(MetricNames.EVENT_DROPPED).counter().count()).isEqualTo(2.0);
    }

    @Test
    void tellsWhetherAnySubscriptionMatchesAType() {
        assertThat(bus.hasSubscribers("dev.mlops.pipeline.step.finished")).isFalse();
        Subscription s = bus.subscribe("dev.mlops.pipeline.**", e -> { });
        assertThat(bus.hasSubscribers("dev.mlops.pipeline.step.finished")).isTrue();
        assertThat(bus.hasSubscribers("dev.mlops.model.alias.changed")).isFalse();
        s.unsubscribe();
        assertThat(bus.hasSubscribers("dev.mlops.pipeline.step.finished")).isFalse();
    }

    @Test
    void rejectsMalformedPattern() {
        assertThatThrownBy(() -> bus.subscribe("a..b", e -> { })).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("typePattern must be dot-separated");
    }

    @Test
    void rejectsNullListener() {
        assertThatThrownBy(() -> bus.subscribe("a.b", null)).hasMessage("listener must be set, was null");
    }

    @Test
    void rejectsNullEvent() {
        assertThatThrownBy(() -> bus.publish(null)).hasMessage("event must be set, was null");
    }

    @Test
    void builderRejectsBadThreads() {
        assertThatThrownBy(() -> InProcessEventBus.builder().threads(0))
                .hasMessage("eventBus.threads must be between 1 and 256, was '0'");
    }

    @Test
    void builderRejectsBadQueueCapacity() {
        assertThatThrownBy(() -> InProcessEventBus.builder().queueCapacity(0))
                .hasMessage("eventBus.queueCapacity must be between 1 and 10000000, was '0'");
    }

    @Test
    void builderRejectsNonPositiveDrainTimeout() {
        assertThatThrownBy(() -> InProcessEventBus.builder().drainTimeout(Duration.ZERO))
                .hasMessage("eventBus.drainTimeout must be positive, was 'PT0S'");
    }

    @Test
    void builderRejectsBadName() {
        assertThatThrownBy(() -> InProcessEventBus.builder().name("My Bus"))
                .hasMessage("eventBus.name must start with a lowercase letter a-z, was 'My Bus'");
    }

    @Test
    void builderRejectsNullMeterRegistry() {
        assertThatThrownBy(() -> InProcessEventBus.builder().meterRegistry(null))
                .hasMessage("eventBus.meterRegistry must be set, was null");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
