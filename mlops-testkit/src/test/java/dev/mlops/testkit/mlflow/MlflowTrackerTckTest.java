package dev.mlops.testkit.mlflow;

import dev.mlops.api.tracking.Tracker;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowTracker;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.tck.TrackerTck;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracker kit on the MLflow test server: the same contract as the embedded tracker. */
class MlflowTrackerTckTest extends TrackerTck {
    @RegisterExtension
    static final MlflowExtension MLFLOW = new MlflowExtension();

    private final String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected String experiment(String name) {
        return name + suffix;       // the class's tests share one server
    }

    @Override
    protected Tracker createTracker(Path scratch, RecordingEventBus events, TestClock clock) {
        return MlflowTracker.builder().server(MlflowServer.of(MLFLOW.server().trackingUri())).events(events).clock(clock)
                .build();
    }
}
