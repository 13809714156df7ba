package dev.mlops.mlflow;

import dev.mlops.api.event.EventBus;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.core.platform.PlatformContext;
import dev.mlops.core.tracking.TrackerProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code mlflow} tracker provider: an {@link MlflowTracker} on the server that MLflow's
 * environment variables name ({@code MLFLOW_TRACKING_URI} and its credentials), or on the platform
 * property {@code mlflow.tracking-uri} when set (credentials still come from the environment, so they
 * never sit in configuration files). Runs are created as the platform's name ({@code mlflow.source.name}).
 * Artifacts of runs whose root is in S3 are written with the platform's {@code s3.*} properties (see
 * {@link MlflowTracker.Builder#storeProperty}).
 *
 * <pre>{@code
 * MlopsPlatform mlops = MlopsPlatform.builder().home(home).trackerProvider("mlflow").build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowTrackerProvider implements TrackerProvider {
    /** The provider's name. */
    public static final String NAME = "mlflow";

    /** Creates the provider; the platform finds it through {@link java.util.ServiceLoader}. */
    public MlflowTrackerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Tracker create(PlatformContext context, EventBus events) {
        Map<String, String> env = new HashMap<>(System.getenv());
        context.property("mlflow.tracking-uri").ifPresent(uri -> env.put("MLFLOW_TRACKING_URI", uri));
        return MlflowTracker.builder().server(MlflowServer.fromEnvironment(env)).json(context.json()).clock(context.clock())
                .events(events).source(context.name()).platformProperties(context::property).build();
    }
}
