package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.TorchScriptLoader;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.TinyTorchScript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TorchScript models that a Python user logged and registered with MLflow's {@code pytorch} flavour
 * are served from the MLflow registry, and follow the alias when Python moves it. The Python side is
 * played by the REST calls {@code mlflow.pytorch.log_model(..., registered_model_name=...)} makes.
 */
class PythonLoggedModelTest {
    private static final float[][] ROWS = {{0.5f, -1f, 2f, 0f}, {1.5f, 0.25f, -0.75f, 3f}, {0f, 0f, 0f, 0f}};

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonCodec json = JsonCodec.create();
    private MlflowTestServer server;

    @BeforeEach
    void start() {
        server = MlflowTestServer.start();
        server.registrationDelay(Duration.ZERO);     // MLflow's own stores register at once
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aScriptedModelLoggedFromPythonIsServedAndFollowsTheAlias() throws Exception {
        TinyTorchScript first = TinyTorchScript.mlp(4, 8, 7);
        TinyTorchScript second = TinyTorchScript.mlp(4, 8, 11);
        call("POST", "registered-models/create", Map.of("name", "rater"));
        String run1 = logModel(first);
        register("mlflow-artifacts:/0/" + run1 + "/artifacts/model", run1);     // what mlflow.register_model sends
        call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "1"));

        try (InProcessEventBus events = InProcessEventBus.create();
                MlflowModelRegistry registry = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri()))
                        .events(events).pollInterval(Duration.ofMillis(50)).build();
                EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                        .registry(registry).events(events).model("rater").alias("champion")
                        .loader(TorchScriptLoader.rows(4)).build()) {
            for (float[] row : ROWS) {
                assertThat(endpoint.predict(row).value()).isCloseTo(first.predict(row), within(1e-5f));
            }

            String run2 = logModel(second);
            register("runs:/" + run2 + "/model", run2);                          // what MlflowClient.create_model_version may send
            call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (endpoint.version() != 2) {
                assertThat(System.nanoTime()).as("the endpoint swapped within 30 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            for (float[] row : ROWS) {
                assertThat(endpoint.predict(row).value()).isCloseTo(second.predict(row), within(1e-5f));
            }
            assertThat(registry.version("rater", 2).artifacts().sha256()).isEqualTo(MlflowModelRegistry.UNRECORDED);
        }
    }

    @Test
    void aModelExportedWithTorchExportIsRefusedWithWhatToDoInstead() throws Exception {
        Path model = TinyTorchScript.mlp(4, 8, 7).saveMlflowModel(dir.resolve("model"));
        Files.move(model.resolve("data/model.pth"), model.resolve("data/model.pt2"));
        String run = upload(model);
        call("POST", "registered-models/create", Map.of("name", "rater"));
        register("runs:/" + run + "/model", run);
        try (MlflowModelRegistry registry = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri()))
                .build()) {
            assertThatThrownBy(() -> EmbeddedServingEndpoint.<float[], Float>builder("rater").registry(registry)
                    .model("rater").version(1).loader(TorchScriptLoader.rows(4)).build())
                    .isInstanceOf(ValidationException.class).hasMessageContaining("serialization_format='pt2'");
        }
    }

    /** Logs a model to a new run of the default experiment, as the pytorch flavour writes it; returns the run id. */
    private String logModel(TinyTorchScript model) throws IOException, InterruptedException {
        Path saved = model.saveMlflowModel(Files.createTempDirectory(dir, "logged").resolve("model"));
        return upload(saved);
    }

    private String upload(Path model) throws IOException, InterruptedException {
        Map<?, ?> run = (Map<?, ?>) call("POST", "runs/create", Map.of("experiment_id", "0", "start_time",
                System.currentTimeMillis())).get("run");
        Map<?, ?> info = (Map<?, ?>) run.get("info");
        String root = String.valueOf(info.get("artifact_uri")).substring("mlflow-artifacts:".length());
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String path = root + "/model/" + model.relativize(file).toString().replace('\\', '/');
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(server.trackingUri()
                        + "/api/2.0/mlflow-artifacts/artifacts" + path)).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            }
        }
        return String.valueOf(info.get("run_id"));
    }

    private void register(String source, String runId) throws IOException, InterruptedException {
        call("POST", "model-versions/create", Map.of("name", "rater", "source", source, "run_id", runId));
    }

    private Map<?, ?> call(String method, String endpoint, Map<String, ?> body) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.trackingUri() + "/api/2.0/mlflow/"
                + endpoint)).header("Content-Type", "application/json").method(method,
                HttpRequest.BodyPublishers.ofByteArray(json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.read(answer.body().getBytes(StandardCharsets.UTF_8), Map.class);
    }
}
