package dev.mlops.testkit;

import dev.mlops.api.Checks;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventListener;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.event.TypePattern;
import dev.mlops.core.event.InProcessEventBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EventBus} for tests: delivers like the {@link InProcessEventBus} it wraps and also
 * records, in order, every event it accepted, so a test can assert on what was published without
 * subscribing and waiting.
 *
 * <pre>{@code
 * RecordingEventBus events = RecordingEventBus.create();
 * pipeline.run();
 * assertThat(events.published("dev.mlops.pipeline.run.*")).extracting(Event::type)
 *         .containsExactly("dev.mlops.pipeline.run.started", "dev.mlops.pipeline.run.finished");
 * events.awaitDelivered(Duration.ofSeconds(10));   // every listener has run
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RecordingEventBus implements EventBus {
    private final InProcessEventBus delegate;
    private final List<Event> published = new ArrayList<>();

    private RecordingEventBus(InProcessEventBus delegate) {
        this.delegate = delegate;
    }

    /**
     * Returns a recording bus on a new {@link InProcessEventBus} with default settings.
     *
     * @return the bus; closing it closes the wrapped bus
     */
    public static RecordingEventBus create() {
        return wrap(InProcessEventBus.create());
    }

    /**
     * Returns a recording bus on a given in-process bus, which it then owns.
     *
     * @param delegate the bus that delivers
     * @return the bus
     */
    public static RecordingEventBus wrap(InProcessEventBus delegate) {
        return new RecordingEventBus(Checks.notNull("delegate", delegate));
    }

    @Override
    public void publish(Event event) {
        synchronized (published) {
            delegate.publish(event);
            published.add(event);
        }
    }

    @Override
    public Subscription subscribe(String typePattern, EventListener listener) {
        return delegate.subscribe(typePattern, listener);
    }

    /**
     * Always {@code true}: a recording bus wants every event, listened to or not.
     *
     * @param type an event type
     * @return {@code true}
     */
    @Override
    public boolean hasSubscribers(String type) {
        return true;
    }

    /**
     * Every event accepted so far, in publication order.
     *
     * @return a snapshot
     */
    public List<Event> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    /**
     * The events accepted so far whose type matches a pattern, in publication order.
     *
     * @param typePattern a {@link TypePattern}, e.g. {@code "dev.mlops.model.**"}
     * @return a snapshot
     */
    public List<Event> published(String typePattern) {
        TypePattern pattern = TypePattern.of(typePattern);
        return published().stream().filter(e -> pattern.matches(e.type())).toList();
    }

    /** Forgets the events recorded so far. */
    public void clear() {
        synchronized (published) {
            published.clear();
        }
    }

    /**
     * Waits until every accepted event has been handled by its listeners.
     *
     * @param timeout how long to wait at most
     * @throws OperationTimeoutException if events are still queued after {@code timeout}
     */
    public void awaitDelivered(Duration timeout) {
        Checks.positive("timeout", timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delegate.pending() > 0) {
            if (System.nanoTime() > deadline) {
                throw new OperationTimeoutException("delivery of " + delegate.pending() + " events", timeout);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationTimeoutException("delivery (interrupted)", timeout);
            }
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
