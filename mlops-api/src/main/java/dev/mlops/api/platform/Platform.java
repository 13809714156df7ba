package dev.mlops.api.platform;

import dev.mlops.api.event.EventBus;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.pipeline.Pipelines;
import dev.mlops.api.tracking.Tracker;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The SDK's services as one object, in API terms. The core's {@code MlopsPlatform} implements it;
 * code that should not depend on the core (pipeline steps, SPIs, libraries) takes a {@code Platform}.
 *
 * <pre>{@code
 * Step<Table> raw = p.step("ingest", ctx -> {
 *     Platform platform = ctx.platform();
 *     platform.eventBus().publish(...);
 *     return read(platform.home().resolve("landing"));
 * });
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Platform {
    /**
     * The platform name.
     *
     * @return a valid {@link dev.mlops.api.Name}
     */
    String name();

    /**
     * The home directory under which every embedded part keeps its files.
     *
     * @return an absolute path
     */
    Path home();

    /**
     * The clock every part reads time from.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * The event bus.
     *
     * @return the bus
     */
    EventBus eventBus();

    /**
     * Registered models, versions, aliases and stages.
     *
     * @return the registry
     */
    ModelRegistry registry();

    /**
     * Feature definitions (and, as the area grows, training data and online features).
     *
     * @return the feature store
     */
    FeatureStore features();

    /**
     * Experiments and tracking runs.
     *
     * @return the tracker
     */
    Tracker tracker();

    /**
     * Runs pipelines and keeps their history.
     *
     * @return the pipeline service
     */
    Pipelines pipelines();
}
