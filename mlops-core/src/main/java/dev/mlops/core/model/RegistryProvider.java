package dev.mlops.core.model;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.core.platform.PlatformContext;

/**
 * Creates a {@link ModelRegistry} for a platform; found with {@link java.util.ServiceLoader}, so that
 * a module such as mlops-mlflow plugs in its registry without the core knowing it. A module registers
 * its provider in {@code META-INF/services/dev.mlops.core.model.RegistryProvider}, and a host picks it
 * by name:
 *
 * <pre>{@code
 * MlopsPlatform.builder()
 *         .home(home)
 *         .registryProvider("mlflow")
 *         .property("mlflow.tracking-uri", "http://mlflow:5000")
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface RegistryProvider {
    /**
     * The name hosts select this provider by.
     *
     * @return a valid {@link dev.mlops.api.Name}, e.g. {@code "mlflow"}
     */
    String name();

    /**
     * Creates a registry. If it is {@link AutoCloseable}, the platform closes it when the platform closes.
     *
     * @param context the platform's home, clock, meter registry, JSON codec and properties
     * @param events the platform's bus, where registry changes are announced
     * @param artifacts the platform's artifact store
     * @return the registry
     * @throws dev.mlops.api.ValidationException if a property the provider reads is invalid
     */
    ModelRegistry create(PlatformContext context, EventBus events, ArtifactStore artifacts);
}
