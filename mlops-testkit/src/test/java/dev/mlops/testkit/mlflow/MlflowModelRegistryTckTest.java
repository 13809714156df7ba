package dev.mlops.testkit.mlflow;

import dev.mlops.api.model.ModelRegistry;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.tck.ModelRegistryTck;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/** The registry kit on the MLflow test server, a fresh server per test: the same contract as the embedded registry. */
class MlflowModelRegistryTckTest extends ModelRegistryTck {
    private MlflowTestServer server;

    @Override
    protected ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock) {
        server = MlflowTestServer.start();
        return MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).events(events).clock(clock).build();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
