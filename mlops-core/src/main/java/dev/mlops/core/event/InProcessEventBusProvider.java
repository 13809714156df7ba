package dev.mlops.core.event;

import dev.mlops.api.event.EventBus;
import dev.mlops.core.platform.PlatformContext;

/**
 * Provides the {@link InProcessEventBus}, the default bus of every platform, under the name
 * {@value #NAME}. It reads three optional properties:
 *
 * <ul>
 *   <li>{@code event.threads} — delivery threads, default 2;</li>
 *   <li>{@code event.queue-capacity} — events per subscription queue, default 10000;</li>
 *   <li>{@code event.drain-timeout} — an ISO-8601 duration such as {@code PT10S}.</li>
 * </ul>
 *
 * <pre>{@code
 * MlopsPlatform.builder().home(home).property("event.threads", "4").build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class InProcessEventBusProvider implements EventBusProvider {
    /** The provider name. */
    public static final String NAME = "in-process";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public InProcessEventBusProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EventBus create(PlatformContext context) {
        InProcessEventBus.Builder builder = InProcessEventBus.builder()
                .name(context.name())
                .meterRegistry(context.meterRegistry());
        context.intProperty("event.threads").ifPresent(builder::threads);
        context.intProperty("event.queue-capacity").ifPresent(builder::queueCapacity);
        context.durationProperty("event.drain-timeout").ifPresent(builder::drainTimeout);
        return builder.build();
    }
}
