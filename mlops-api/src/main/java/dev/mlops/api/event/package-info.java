/**
 * Events: the CloudEvents-shaped {@link dev.mlops.api.event.Event}, the SDK's
 * {@link dev.mlops.api.event.EventTypes event types}, and the {@link dev.mlops.api.event.EventBus}
 * SPI that an in-process bus (mlops-core) and a Kafka bus (mlops-kafka) implement.
 *
 * <pre>{@code
 * try (Subscription s = bus.subscribe("dev.mlops.model.**", e -> log.info("{}", e))) {
 *     bus.publish(Event.builder(EventTypes.MODEL_ALIAS_CHANGED)
 *             .source("/registry/movie-rater")
 *             .data("alias", "champion")
 *             .build());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.event;
