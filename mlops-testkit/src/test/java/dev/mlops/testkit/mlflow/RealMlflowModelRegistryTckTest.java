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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The registry kit against a real MLflow server, when {@code MLFLOW_TRACKING_URI} names one. Each test
 * names its models with a prefix of its own ({@code tck-<8 hex>-movie-rater}...), checks only those,
 * and deletes them afterwards, so the server may be shared.
 */
@EnabledIfEnvironmentVariable(named = "MLFLOW_TRACKING_URI", matches = ".+")
class RealMlflowModelRegistryTckTest extends ModelRegistryTck {
    private final String prefix = "tck-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private MlflowServer server;
    private MlflowModelRegistry mlflow;

    @Override
    protected String name(String model) {
        return prefix + model;
    }

    @Override
    protected ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock) {
        server = MlflowServer.fromEnvironment(System.getenv());
        mlflow = MlflowModelRegistry.builder().server(server).events(events).clock(clock).build();
        return mlflow;
    }

    @AfterEach
    void deleteTheKitsModels() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (RegisteredModel model : mlflow.models()) {
            if (!model.name().startsWith(prefix)) {
                continue;
            }
            HttpRequest.Builder delete = HttpRequest.newBuilder(server.apiUri("registered-models/delete"))
                    .header("Content-Type", "application/json")
                    .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"name\": \"" + model.name() + "\"}"));
            server.authorization().ifPresent(a -> delete.header("Authorization", a));
            assertThat(http.send(delete.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }
}
