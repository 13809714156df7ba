package dev.mlops.mlflow;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.core.model.RegistryProvider;
import dev.mlops.core.platform.PlatformContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code mlflow} registry provider: an {@link MlflowModelRegistry} on the server that MLflow's
 * environment variables name, or on the platform property {@code mlflow.tracking-uri} (credentials
 * still come from the environment). It polls the server for changes made by others every
 * {@code mlflow.poll-interval} (ISO-8601, {@code PT10S} by default; {@code PT0S} turns polling off), so that endpoints bound
 * to an alias follow a promotion made in MLflow's UI or from Python. New versions' files go under
 * {@code mlflow.artifact-root} (see {@link MlflowModelRegistry.Builder#artifactRoot}); S3 locations
 * are reached with the platform's {@code s3.*} properties.
 *
 * <pre>{@code
 * MlopsPlatform mlops = MlopsPlatform.builder().home(home)
 *         .registryProvider("mlflow").trackerProvider("mlflow").build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowRegistryProvider implements RegistryProvider {
    /** The provider's name. */
    public static final String NAME = "mlflow";

    /** Creates the provider; the platform finds it through {@link java.util.ServiceLoader}. */
    public MlflowRegistryProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelRegistry create(PlatformContext context, EventBus events, ArtifactStore artifacts) {
        Map<String, String> env = new HashMap<>(System.getenv());
        context.property("mlflow.tracking-uri").ifPresent(uri -> env.put("MLFLOW_TRACKING_URI", uri));
        MlflowModelRegistry.Builder registry = MlflowModelRegistry.builder().server(MlflowServer.fromEnvironment(env))
                .json(context.json()).clock(context.clock()).events(events).platformProperties(context::property);
        context.property("mlflow.artifact-root").ifPresent(registry::artifactRoot);
        Duration poll = context.durationProperty("mlflow.poll-interval").orElse(Duration.ofSeconds(10));
        if (!poll.isZero()) {
            registry.pollInterval(poll);
        }
        return registry.build();
    }
}
