package dev.mlops.testkit.tck;

import dev.mlops.api.event.EventBus;
import dev.mlops.core.event.InProcessEventBus;

/** The embedded bus keeps the common contract, and delivers exactly once. */
class InProcessEventBusTest extends EventBusTck {

    @Override
    protected EventBus createBus() {
        return InProcessEventBus.builder().name("tck").threads(4).build();
    }

    @Override
    protected String busName() {
        return "tck";
    }

    @Override
    protected boolean deliversExactlyOnce() {
        return true;
    }
}
