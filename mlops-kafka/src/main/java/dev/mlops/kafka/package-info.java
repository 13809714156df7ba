/**
 * The Kafka module: an {@link dev.mlops.api.event.EventBus} on Apache Kafka that carries events
 * between JVMs as CloudEvents, triggers that retrain on events from other services, stream scoring
 * and streaming feature ingestion. It plugs into the platform as an
 * {@code dev.mlops.core.event.EventBusProvider}; the core never sees it.
 *
 * @since 0.1.0
 */
package dev.mlops.kafka;
