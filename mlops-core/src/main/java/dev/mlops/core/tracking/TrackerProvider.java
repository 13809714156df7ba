package dev.mlops.core.tracking;

import dev.mlops.api.event.EventBus;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.core.platform.PlatformContext;

/**
 * Creates a {@link Tracker} for a platform; found with {@link java.util.ServiceLoader}, so that a
 * module such as mlops-mlflow plugs in its tracker without the core knowing it. A module registers
 * its provider in {@code META-INF/services/dev.mlops.core.tracking.TrackerProvider}, and a host picks
 * it by name:
 *
 * <pre>{@code
 * MlopsPlatform.builder()
 *         .home(home)
 *         .trackerProvider("mlflow")
 *         .property("mlflow.tracking-uri", "http://mlflow:5000")
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface TrackerProvider {
    /**
     * The name hosts select this provider by.
     *
     * @return a valid {@link dev.mlops.api.Name}, e.g. {@code "mlflow"}
     */
    String name();

    /**
     * Creates a tracker.
     *
     * @param context the platform's home, clock, meter registry, JSON codec and properties
     * @param events the platform's bus, where finished runs are announced
     * @return the tracker
     * @throws dev.mlops.api.ValidationException if a property the provider reads is invalid
     */
    Tracker create(PlatformContext context, EventBus events);
}
