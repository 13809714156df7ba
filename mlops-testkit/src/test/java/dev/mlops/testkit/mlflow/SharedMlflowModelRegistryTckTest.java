package dev.mlops.testkit.mlflow;

import dev.mlops.api.model.ModelRegistry;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.tck.ModelRegistryTck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The registry kit on one MLflow test server shared by every test and by another team's models of the
 * same names, as {@code RealMlflowModelRegistryTckTest} runs on a real server: each test names its
 * models with a prefix of its own and sees only those.
 */
class SharedMlflowModelRegistryTckTest extends ModelRegistryTck {
    private static MlflowTestServer server;

    private final String prefix = "tck-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @BeforeAll
    static void startAServerInUse() throws Exception {
        server = MlflowTestServer.builder().registrationDelay(Duration.ZERO).start();
        MlflowModelRegistry team = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).build();
        Path weights = Files.writeString(Files.createTempFile("weights", ".bin"), "weights");
        for (String model : new String[] {"movie-rater", "other", "busy"}) {
            int version = team.createVersion(s -> s.model(model).artifacts(weights).metric("rmse", 0.5).tag("team", "ads")
                    .data("ratings", "a".repeat(64))).version();
            team.setAlias(model, "champion", version, "another-team");
        }
        Files.delete(weights);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected String name(String model) {
        return prefix + model;
    }

    @Override
    protected ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock) {
        return MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).events(events).clock(clock).build();
    }
}
