package dev.mlops.api.event;

/**
 * A listener's registration with an {@link EventBus}. Closing it unsubscribes: once
 * {@link #unsubscribe()} returns no new delivery starts, and events still queued for it are dropped.
 *
 * <pre>{@code
 * try (Subscription s = bus.subscribe("dev.mlops.monitor.*", alerts::handle)) {
 *     ...
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Subscription extends AutoCloseable {
    /**
     * The type pattern this subscription was made with.
     *
     * @return the pattern
     */
    TypePattern pattern();

    /**
     * Tells whether events are still delivered to this subscription.
     *
     * @return {@code false} once unsubscribed or once the bus is closed
     */
    boolean active();

    /** Stops deliveries to this subscription. Calling it again has no effect. */
    void unsubscribe();

    /** Same as {@link #unsubscribe()}. */
    @Override
    default void close() {
        unsubscribe();
    }
}
