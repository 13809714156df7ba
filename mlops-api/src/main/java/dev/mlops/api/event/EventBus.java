package dev.mlops.api.event;

/**
 * Carries {@link Event}s from publishers to subscribers. This is an SPI: mlops-core has an
 * in-process bus, mlops-kafka one that spans JVMs; both honour this contract.
 *
 * <ul>
 *   <li>{@link #publish(Event)} returns once the event is accepted; delivery is asynchronous.</li>
 *   <li>Each subscription receives its events in publication order, one at a time.</li>
 *   <li>A listener that throws affects no other listener and not the publisher; the failure is
 *       logged and counted.</li>
 *   <li>{@link #close()} stops accepting events and drains those already accepted.</li>
 * </ul>
 *
 * <pre>{@code
 * Subscription s = bus.subscribe("dev.mlops.pipeline.run.*", e -> System.out.println(e.type()));
 * bus.publish(Event.builder(EventTypes.PIPELINE_RUN_FINISHED).source("/pipelines/train").build());
 * s.unsubscribe();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface EventBus extends AutoCloseable {
    /**
     * Accepts an event for delivery to every subscription whose pattern matches its type.
     *
     * @param event the event
     * @throws dev.mlops.api.OverloadedException if the event cannot be queued; then no subscriber gets it
     * @throws dev.mlops.api.MlopsException if the bus is closed
     */
    void publish(Event event);

    /**
     * Registers a listener for the events whose type matches a pattern (see {@link TypePattern}).
     *
     * @param typePattern e.g. {@code "dev.mlops.model.alias.changed"} or {@code "dev.mlops.**"}
     * @param listener the listener
     * @return the subscription, which unsubscribes when closed
     * @throws dev.mlops.api.ValidationException if the pattern is malformed or the listener is null
     */
    Subscription subscribe(String typePattern, EventListener listener);

    /**
     * Tells whether an event of a type could reach anyone, so that frequent, optional events (a
     * step finished, a batch scored) need not even be built when nobody listens. Buses that deliver
     * beyond this JVM, and buses that record, answer {@code true}.
     *
     * <pre>{@code
     * if (bus.hasSubscribers(EventTypes.PIPELINE_STEP_FINISHED)) {
     *     bus.publish(stepFinishedEvent());
     * }
     * }</pre>
     *
     * @param type an event type
     * @return {@code false} only if no subscription matches the type
     */
    default boolean hasSubscribers(String type) {
        return true;
    }

    /**
     * Stops accepting events, delivers those already accepted (within the bus's drain timeout) and
     * releases threads and connections. Calling it again has no effect.
     */
    @Override
    void close();
}
