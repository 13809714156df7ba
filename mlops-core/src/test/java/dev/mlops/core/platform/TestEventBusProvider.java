package dev.mlops.core.platform;

import dev.mlops.api.event.EventBus;
import dev.mlops.core.event.EventBusProvider;
import dev.mlops.core.event.InProcessEventBus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A provider found through META-INF/services in the test class path; remembers the buses it made. */
public final class TestEventBusProvider implements EventBusProvider {
    static final List<InProcessEventBus> CREATED = new CopyOnWriteArrayList<>();
    static final List<PlatformContext> CONTEXTS = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "test-bus";
    }

    @Override
    public EventBus create(PlatformContext context) {
        CONTEXTS.add(context);
        InProcessEventBus bus = InProcessEventBus.builder().name("test-bus").meterRegistry(context.meterRegistry()).build();
        CREATED.add(bus);
        return bus;
    }
}
