/**
 * The embedded event bus ({@link dev.mlops.core.event.InProcessEventBus}), the CloudEvents JSON
 * form of events ({@link dev.mlops.core.event.EventCodec}) and the
 * {@link dev.mlops.core.event.EventBusProvider} SPI through which other modules plug in a bus.
 *
 * @since 0.1.0
 */
package dev.mlops.core.event;
