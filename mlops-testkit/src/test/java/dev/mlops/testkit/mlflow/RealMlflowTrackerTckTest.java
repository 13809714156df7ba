package dev.mlops.testkit.mlflow;

import dev.mlops.api.tracking.Tracker;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowTracker;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.tck.TrackerTck;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The tracker kit against a real MLflow server, when {@code MLFLOW_TRACKING_URI} names one (with its
 * credentials in {@code MLFLOW_TRACKING_TOKEN} or {@code MLFLOW_TRACKING_USERNAME}/{@code _PASSWORD}).
 * The server must proxy artifacts ({@code mlflow server --serve-artifacts}, the default since 2.0).
 * Each test works in experiments of its own (the kit's names with a random suffix), so what earlier
 * runs left on the server does not count.
 */
@EnabledIfEnvironmentVariable(named = "MLFLOW_TRACKING_URI", matches = ".+")
class RealMlflowTrackerTckTest extends TrackerTck {
    private final String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected String experiment(String name) {
        return name + suffix;
    }
    @Override
    protected Tracker createTracker(Path scratch, RecordingEventBus events, TestClock clock) {
        return MlflowTracker.builder().server(MlflowServer.fromEnvironment(System.getenv())).events(events).clock(clock)
                .source("mlops-tck").build();
    }
}
