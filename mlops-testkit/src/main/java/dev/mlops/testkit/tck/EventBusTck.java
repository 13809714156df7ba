package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventListener;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.event.TypePattern;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link EventBus} that every implementation keeps, in-process or spanning JVMs:
 * <ul>
 *   <li>an event published after {@code subscribe} returned reaches every subscription whose
 *       pattern matches its type (exact, {@code *}, {@code **}) and no other;</li>
 *   <li>it arrives equal in id, source, type, subject, time and data, nested data included;</li>
 *   <li>the events of one subject reach a subscription in publication order, one call at a time;</li>
 *   <li>a listener that throws still receives later events, and other listeners receive all;</li>
 *   <li>an unsubscribed or closed {@link Subscription} receives nothing more;</li>
 *   <li>{@link EventBus#hasSubscribers} answers {@code true} for a type some subscription matches;</li>
 *   <li>{@link EventBus#close()} delivers what was published before it, after which
 *       {@code publish} fails with an {@link MlopsException} that names the bus;</li>
 *   <li>bad input (a null event, a malformed pattern, a null listener) is refused with a
 *       {@link ValidationException} and changes nothing.</li>
 * </ul>
 *
 * <p>The kit assumes nothing about when or on which thread a listener runs: it waits, up to
 * {@link #deliveryTimeout()}, for what must arrive, and watches for {@link #quietPeriod()} where
 * nothing may. It accepts redelivery (at-least-once buses such as a Kafka bus): an event that
 * arrives twice counts once, and order is judged on first arrivals, unless the bus declares
 * {@link #deliversExactlyOnce()}. Each test gives its events ids that start with a fresh run id and
 * ignores events with other ids, so buses whose instances share a topic may run it side by side.
 *
 * <pre>{@code
 * class KafkaEventBusTest extends EventBusTck {
 *     @RegisterExtension
 *     static final KafkaExtension KAFKA = new KafkaExtension();
 *
 *     protected EventBus createBus() {
 *         return KafkaEventBus.builder().name("tck").bootstrapServers(KAFKA.broker().bootstrapServers()).build();
 *     }
 *     protected String busName() { return "tck"; }
 *     protected Duration deliveryTimeout() { return Duration.ofSeconds(30); }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class EventBusTck {
    private static final String TYPE_ALIAS_CHANGED = "tck.model.alias.changed";
    private static final String TYPE_MODEL_CREATED = "tck.model.created";
    private static final String TYPE_RUN_FINISHED = "tck.pipeline.run.finished";
    private static final String TYPE_SHORT = "tck.model";

    /** The bus under test, made fresh for each test and closed after it. */
    protected EventBus bus;

    /** Starts the id of every event this test publishes; events with other ids are ignored. */
    private final String runId = "tck-" + UUID.randomUUID();
    private final AtomicInteger sequence = new AtomicInteger();

    /** Creates the TCK; subclasses are run by JUnit. */
    protected EventBusTck() {
    }

    /**
     * Creates the bus under test; called once per test. The kit closes it after the test.
     *
     * @return a running bus, named {@link #busName()}
     * @throws Exception if it cannot be made
     */
    protected abstract EventBus createBus() throws Exception;

    /**
     * The name the bus gives itself in its messages, e.g. the {@code name} its builder was given.
     *
     * @return the name that a publish after close must mention
     */
    protected abstract String busName();

    /**
     * How long an event may take to reach a listener. A bus that delivers through a broker may need
     * more than the default.
     *
     * @return 10 seconds by default
     */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * How long the kit watches, after what must arrive has arrived, to see that nothing else does.
     *
     * @return 500 milliseconds by default
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /**
     * Tells whether the bus never hands one event to a subscription twice; then the kit also checks
     * that no event arrives twice. At-least-once buses answer {@code false}.
     *
     * @return {@code false} by default
     */
    protected boolean deliversExactlyOnce() {
        return false;
    }

    @BeforeEach
    void openBus() throws Exception {
        bus = createBus();
    }

    @AfterEach
    void closeBus() {
        if (bus != null) {
            bus.close();
        }
    }

    @Test
    void aPublishedEventReachesEverySubscriptionWhosePatternMatchesAndNoOther() {
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put(TYPE_ALIAS_CHANGED, Set.of(TYPE_ALIAS_CHANGED));
        expected.put("tck.model.*", Set.of(TYPE_MODEL_CREATED));
        expected.put("tck.*.alias.changed", Set.of(TYPE_ALIAS_CHANGED));
        expected.put("tck.*.run.*", Set.of(TYPE_RUN_FINISHED));
        expected.put("tck.model.**", Set.of(TYPE_ALIAS_CHANGED, TYPE_MODEL_CREATED));
        expected.put("tck.**", Set.of(TYPE_ALIAS_CHANGED, TYPE_MODEL_CREATED, TYPE_RUN_FINISHED, TYPE_SHORT));
        expected.put("**", Set.of(TYPE_ALIAS_CHANGED, TYPE_MODEL_CREATED, TYPE_RUN_FINISHED, TYPE_SHORT));
        expected.put("tck.model.alias", Set.of());
        expected.put("tck.model.alias.changed.later", Set.of());
        expected.put("tck.*", Set.of(TYPE_SHORT));
        expected.put("other.**", Set.of());
        Map<String, Recording> recordings = new LinkedHashMap<>();
        for (String pattern : expected.keySet()) {
            Recording recording = new Recording(pattern);
            Subscription subscription = bus.subscribe(pattern, recording);
            assertThat(subscription.pattern()).isEqualTo(TypePattern.of(pattern));
            assertThat(subscription.active()).isTrue();
            recordings.put(pattern, recording);
        }

        for (String type : List.of(TYPE_ALIAS_CHANGED, TYPE_MODEL_CREATED, TYPE_RUN_FINISHED, TYPE_SHORT)) {
            bus.publish(event(type).build());
        }

        expected.forEach((pattern, types) -> recordings.get(pattern).awaitDistinct(types.size()));
        quiet();
        expected.forEach((pattern, types) -> assertThat(types(recordings.get(pattern).distinct()))
                .as("types delivered to a subscription to '%s'", pattern)
                .containsExactlyInAnyOrderElementsOf(types));
        if (deliversExactlyOnce()) {
            recordings.values().forEach(Recording::assertNoDuplicates);
        }
    }

    @Test
    void anEventArrivesEqualInEveryField() {
        Recording recording = new Recording("tck.model.**");
        bus.subscribe("tck.model.**", recording);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rmse", 0.81);
        metrics.put("rows", 1_000_000);
        metrics.put("history", List.of(0.93, 0.88, 0.81));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("model", "movie-rater");
        nested.put("metrics", metrics);
        nested.put("tags", List.of("champion", List.of("nested", "list"), Map.of("k", "v")));
        nested.put("emptyMap", Map.of());
        nested.put("emptyList", List.of());
        Event full = Event.builder(TYPE_ALIAS_CHANGED)
                .id(nextId())
                .source(URI.create("/registry/movie-rater?team=ratings#tck"))
                .subject("movie-rater")
                .time(Instant.parse("2026-03-01T12:34:56.123456789Z"))
                .data("alias", "champion")
                .data("version", 7)
                .data("bytes", 9_000_000_000L)
                .data("negative", -3)
                .data("score", -0.8125)
                .data("accepted", true)
                .data("rejected", false)
                .data("comment", null)
                .data("text", "h\u00e9llo \u2713 \"quoted\" \\ tab\there\nnew line")
                .data("nested", nested)
                .build();
        Event bare = Event.builder(TYPE_MODEL_CREATED).id(nextId()).source("urn:mlops:tck")
                .time(Instant.parse("1999-12-31T23:59:59Z")).build();

        bus.publish(full);
        bus.publish(bare);

        List<Event> received = recording.awaitDistinct(2);
        Event gotFull = byId(received, full.id());
        assertThat(gotFull.id()).isEqualTo(full.id());
        assertThat(gotFull.source()).isEqualTo(full.source());
        assertThat(gotFull.type()).isEqualTo(full.type());
        assertThat(gotFull.subject()).isEqualTo(full.subject());
        assertThat(gotFull.time()).isEqualTo(full.time());
        assertThat(gotFull.data()).isEqualTo(full.data());
        assertThat(gotFull).isEqualTo(full);
        Event gotBare = byId(received, bare.id());
        assertThat(gotBare.subject()).isEmpty();
        assertThat(gotBare.data()).isEmpty();
        assertThat(gotBare).isEqualTo(bare);
    }

    @Test
    void theEventsOfOneSubjectArriveInPublicationOrderOneAtATime() {
        int subjects = 4;
        int perSubject = 100;
        Recording orders = new Recording("tck.order.*");
        Recording everything = new Recording("**");
        bus.subscribe("tck.order.*", orders);
        bus.subscribe("**", everything);

        for (int i = 0; i < subjects * perSubject; i++) {
            bus.publish(event(i % 2 == 0 ? "tck.order.placed" : "tck.order.shipped")
                    .subject("customer-" + i % subjects).data("seq", i).build());
        }

        for (Recording recording : List.of(orders, everything)) {
            List<Event> received = recording.awaitDistinct(subjects * perSubject);
            Map<String, List<Integer>> bySubject = received.stream().collect(Collectors.groupingBy(
                    e -> e.subject().orElseThrow(), LinkedHashMap::new,
                    Collectors.mapping(e -> (Integer) e.data().get("seq"), Collectors.toList())));
            assertThat(bySubject).hasSize(subjects);
            bySubject.forEach((subject, seqs) -> assertThat(seqs)
                    .as("order of %s's events delivered to '%s'", subject, recording.pattern)
                    .hasSize(perSubject).isSorted());
            assertThat(recording.overlapped()).as("listener of '%s' called concurrently", recording.pattern).isFalse();
            if (deliversExactlyOnce()) {
                recording.assertNoDuplicates();
            }
        }
    }

    @Test
    void aListenerThatThrowsStillReceivesLaterEventsAndOthersReceiveAll() {
        Recording failing = new Recording("tck.fail.*", event -> {
            int n = (Integer) event.data().get("n");
            if (n == 0) {
                throw new IllegalStateException("tck: this listener fails on purpose");
            }
            if (n == 2) {
                throw new AssertionError("tck: this listener fails on purpose with an Error");
            }
        });
        Recording healthy = new Recording("tck.fail.*");
        bus.subscribe("tck.fail.*", failing);
        bus.subscribe("tck.fail.*", healthy);

        for (int n = 0; n < 5; n++) {
            bus.publish(event("tck.fail.step").subject("step").data("n", n).build());
        }

        assertThat(numbers(healthy.awaitDistinct(5))).containsExactly(0, 1, 2, 3, 4);
        assertThat(numbers(failing.awaitDistinct(5))).containsExactly(0, 1, 2, 3, 4);
        // The bus still works for everyone afterwards.
        bus.publish(event("tck.fail.step").subject("step").data("n", 5).build());
        assertThat(numbers(failing.awaitDistinct(6))).endsWith(5);
        assertThat(numbers(healthy.awaitDistinct(6))).endsWith(5);
    }

    @Test
    void anUnsubscribedListenerReceivesNothingMore() {
        Recording unsubscribed = new Recording("tck.unsub.*");
        Recording closed = new Recording("tck.unsub.*");
        Recording witness = new Recording("tck.unsub.*");
        Subscription first = bus.subscribe("tck.unsub.*", unsubscribed);
        Subscription second = bus.subscribe("tck.unsub.*", closed);
        Subscription third = bus.subscribe("tck.unsub.*", witness);

        bus.publish(event("tck.unsub.before").build());
        unsubscribed.awaitDistinct(1);
        closed.awaitDistinct(1);
        witness.awaitDistinct(1);

        first.unsubscribe();
        second.close();
        first.unsubscribe(); // again: no effect
        second.close();
        assertThat(first.active()).isFalse();
        assertThat(second.active()).isFalse();
        assertThat(third.active()).isTrue();
        assertThat(first.pattern()).isEqualTo(TypePattern.of("tck.unsub.*"));

        bus.publish(event("tck.unsub.after").build());
        bus.publish(event("tck.unsub.after").build());
        assertThat(types(witness.awaitDistinct(3)))
                .containsExactlyInAnyOrder("tck.unsub.before", "tck.unsub.after", "tck.unsub.after");
        quiet();
        assertThat(types(unsubscribed.distinct())).containsExactly("tck.unsub.before");
        assertThat(types(closed.distinct())).containsExactly("tck.unsub.before");
    }

    @Test
    void hasSubscribersIsTrueForEveryTypeASubscriptionMatches() {
        bus.subscribe("tck.exact.type", new Recording("tck.exact.type"));
        bus.subscribe("tck.one.*.done", new Recording("tck.one.*.done"));
        bus.subscribe("tck.deep.**", new Recording("tck.deep.**"));

        assertThat(bus.hasSubscribers("tck.exact.type")).isTrue();
        assertThat(bus.hasSubscribers("tck.one.job.done")).isTrue();
        assertThat(bus.hasSubscribers("tck.deep.x")).isTrue();
        assertThat(bus.hasSubscribers("tck.deep.x.y.z")).isTrue();
    }

    @Test
    void closeDeliversWhatWasPublishedAndThenRefusesToPublish() {
        int count = 50;
        Recording slow = new Recording("tck.drain.*", event -> pause(2));
        Subscription subscription = bus.subscribe("tck.drain.*", slow);
        for (int i = 0; i < count; i++) {
            bus.publish(event("tck.drain.item").subject("drain").data("n", i).build());
        }

        bus.close();

        // No waiting: close returns once what was published before it has been delivered.
        assertThat(numbers(slow.distinct())).as("events delivered by the time close() returned")
                .containsExactlyElementsOf(range(count));
        assertThat(subscription.active()).isFalse();
        Event late = event("tck.drain.item").build();
        assertThatThrownBy(() -> bus.publish(late)).isInstanceOf(MlopsException.class)
                .isNotInstanceOf(ValidationException.class)
                .hasMessageContaining(busName());
        bus.close(); // again: no effect
        assertThat(slow.distinct()).hasSize(count);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        Recording witness = new Recording("**");
        bus.subscribe("**", witness);
        Recording neverSubscribed = new Recording("(bad)");

        assertThatThrownBy(() -> bus.publish(null)).isInstanceOf(ValidationException.class);
        for (String bad : Arrays.asList(null, "", " ", "tck..model", ".tck", "tck.", "Tck.model", "tck model",
                "tck.**.created", "tck.*x", "tck.m\u00e4del", "tck.model\n")) {
            assertThatThrownBy(() -> bus.subscribe(bad, neverSubscribed))
                    .as("subscribe to pattern %s", bad == null ? "null" : "'" + bad + "'")
                    .isInstanceOf(ValidationException.class);
        }
        assertThatThrownBy(() -> bus.subscribe("tck.model.created", null)).isInstanceOf(ValidationException.class);

        bus.publish(event(TYPE_MODEL_CREATED).build());
        assertThat(types(witness.awaitDistinct(1))).containsExactly(TYPE_MODEL_CREATED);
        quiet();
        assertThat(witness.distinct()).hasSize(1);
        assertThat(neverSubscribed.all()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    private String nextId() {
        return runId + "-" + sequence.getAndIncrement();
    }

    private Event.Builder event(String type) {
        return Event.builder(type).id(nextId()).source("/tck/" + getClass().getSimpleName());
    }

    private void quiet() {
        pause(quietPeriod().toMillis());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Event byId(List<Event> events, String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("event " + id + " was not delivered; got " + events));
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).collect(Collectors.toList());
    }

    private static List<Integer> numbers(List<Event> events) {
        return events.stream().map(e -> (Integer) e.data().get("n")).collect(Collectors.toList());
    }

    private static List<Integer> range(int count) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    /**
     * Records what a subscription receives (events of this test only), then does what it was told:
     * nothing, fail or take its time. Notices if it is ever called by two threads at once.
     */
    private final class Recording implements EventListener {
        final String pattern;
        private final Consumer<Event> behaviour;
        private final List<Event> events = new ArrayList<>();
        private final AtomicInteger inside = new AtomicInteger();
        private volatile boolean overlapped;

        Recording(String pattern) {
            this(pattern, event -> { });
        }

        Recording(String pattern, Consumer<Event> behaviour) {
            this.pattern = pattern;
            this.behaviour = behaviour;
        }

        @Override
        public void onEvent(Event event) {
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            try {
                if (event.id().startsWith(runId + "-")) {
                    synchronized (this) {
                        events.add(event);
                        notifyAll();
                    }
                    behaviour.accept(event);
                }
            } finally {
                inside.decrementAndGet();
            }
        }

        /** Every event of this test delivered so far, duplicates included, in arrival order. */
        synchronized List<Event> all() {
            return new ArrayList<>(events);
        }

        /** The first arrival of every distinct event of this test, in arrival order. */
        synchronized List<Event> distinct() {
            Set<String> seen = new LinkedHashSet<>();
            List<Event> first = new ArrayList<>();
            for (Event event : events) {
                if (seen.add(event.id())) {
                    first.add(event);
                }
            }
            return first;
        }

        /** Waits until {@code count} distinct events arrived, failing after the delivery timeout. */
        synchronized List<Event> awaitDistinct(int count) {
            long deadline = System.nanoTime() + deliveryTimeout().toNanos();
            while (distinct().size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("a subscription to '" + pattern + "' received " + distinct().size()
                            + " of " + count + " events within " + deliveryTimeout() + ": " + types(distinct()));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return distinct();
        }

        boolean overlapped() {
            return overlapped;
        }

        void assertNoDuplicates() {
            assertThat(all()).as("events delivered to '%s' (this bus delivers exactly once)", pattern)
                    .hasSameSizeAs(distinct());
        }
    }
}
