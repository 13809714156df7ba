package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.RegisteredModel;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.tck.ModelRegistryTck;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The registry kit against a real MLflow server. The kit names its models ({@code movie-rater},
 * {@code other}, ...) and counts every model and version it can see, so it needs a server whose
 * registry is empty, and it deletes every registered model after each test: it runs only when
 * {@code MLFLOW_TRACKING_URI} names the server and {@code MLOPS_TCK_EMPTY_MLFLOW=true} says that this
 * server may be emptied (never point it at a registry in use).
 */
@EnabledIfEnvironmentVariable(named = "MLFLOW_TRACKING_URI", matches = ".+")
@EnabledIfEnvironmentVariable(named = "MLOPS_TCK_EMPTY_MLFLOW", matches = "true")
class RealMlflowModelRegistryTckTest extends ModelRegistryTck {
    private MlflowServer server;
    private MlflowModelRegistry mlflow;

    @Override
    protected ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock) {
        server = MlflowServer.fromEnvironment(System.getenv());
        mlflow = MlflowModelRegistry.builder().server(server).events(events).clock(clock).build();
        assertThat(mlflow.models()).as("the registry of %s must be empty", server).isEmpty();
        return mlflow;
    }

    @AfterEach
    void emptyTheRegistry() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (RegisteredModel model : mlflow.models()) {
            HttpRequest.Builder delete = HttpRequest.newBuilder(server.apiUri("registered-models/delete"))
                    .header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"name\": \"" + model.name() + "\"}"));
            server.authorization().ifPresent(a -> delete.header("Authorization", a));
            assertThat(http.send(delete.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }
}
