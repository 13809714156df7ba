package dev.mlops.core.event;

import dev.mlops.api.event.EventBus;
import dev.mlops.core.platform.PlatformContext;

/**
 * Creates an {@link EventBus} for a platform; found with {@link java.util.ServiceLoader}, so that a
 * module such as mlops-kafka plugs in its bus without the core knowing it. A module registers its
 * provider in {@code META-INF/services/dev.mlops.core.event.EventBusProvider}, and a host picks it
 * by name:
 *
 * <pre>{@code
 * MlopsPlatform.builder()
 *         .home(home)
 *         .eventBusProvider("kafka")
 *         .property("kafka.bootstrap-servers", "localhost:9092")
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface EventBusProvider {
    /**
     * The name hosts select this provider by.
     *
     * @return a valid {@link dev.mlops.api.Name}, e.g. {@code "in-process"} or {@code "kafka"}
     */
    String name();

    /**
     * Creates a bus. The platform owns it and closes it when the platform closes.
     *
     * @param context the platform's home, clock, meter registry, JSON codec and properties
     * @return a running bus
     * @throws dev.mlops.api.ValidationException if a property the provider reads is invalid
     */
    EventBus create(PlatformContext context);
}
