package dev.mlops.api.event;

/**
 * Receives the events of one subscription, one at a time and in publication order. An exception
 * thrown here is logged and counted by the bus; it never reaches the publisher or other listeners.
 *
 * <pre>{@code
 * EventListener invalidate = event -> cache.invalidate(event.subject().orElseThrow());
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EventListener {
    /**
     * Handles one event.
     *
     * @param event the delivered event
     */
    void onEvent(Event event);
}
