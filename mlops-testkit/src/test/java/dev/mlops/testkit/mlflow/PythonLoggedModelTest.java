package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.TorchScriptLoader;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowWebhookReceiver;
import dev.mlops.testkit.TinyTorchScript;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    private static final String SECRET = "a-secret-of-sixteen-or-more";
    private static final float[][] ROWS = {{0.5f, -1f, 2f, 0f}, {1.5f, 0.25f, -0.75f, 3f}, {0f, 0f, 0f, 0f}};

    @TempDir
    Path dir;

    private MlflowTestServer server;
    private PythonClient python;

    @BeforeEach
    void start() {
        server = MlflowTestServer.start();
        server.registrationDelay(Duration.ZERO);     // MLflow's own stores register at once
        python = new PythonClient(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aScriptedModelLoggedFromPythonIsServedAndFollowsTheAlias() throws Exception {
        TinyTorchScript first = TinyTorchScript.mlp(4, 8, 7);
        TinyTorchScript second = TinyTorchScript.mlp(4, 8, 11);
        python.call("POST", "registered-models/create", Map.of("name", "rater"));
        String run1 = logModel(first);
        register("mlflow-artifacts:/0/" + run1 + "/artifacts/model", run1);     // what mlflow.register_model sends
        python.call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "1"));

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
            python.call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "2"));
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
    void withoutPollingAWebhookBringsAnAliasMovedFromPythonToTheEndpoint() throws Exception {
        TinyTorchScript first = TinyTorchScript.mlp(4, 8, 7);
        TinyTorchScript second = TinyTorchScript.mlp(4, 8, 11);
        python.call("POST", "registered-models/create", Map.of("name", "rater"));
        String run1 = logModel(first);
        register("runs:/" + run1 + "/model", run1);
        python.call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "1"));

        try (InProcessEventBus events = InProcessEventBus.create();
                MlflowModelRegistry registry = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri()))
                        .events(events).build();
                MlflowWebhookReceiver receiver = MlflowWebhookReceiver.builder(registry).secret(SECRET).build();
                EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                        .registry(registry).events(events).model("rater").alias("champion")
                        .loader(TorchScriptLoader.rows(4)).build()) {
            server.webhook(receiver.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), SECRET,
                    "model_version.created", "model_version_alias.created", "model_version_alias.deleted");
            String run2 = logModel(second);
            register("runs:/" + run2 + "/model", run2);
            python.call("POST", "registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (endpoint.version() != 2 || server.webhookAnswers().size() < 2) {
                assertThat(System.nanoTime()).as("the endpoint swapped within 30 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(endpoint.predict(ROWS[1]).value()).isCloseTo(second.predict(ROWS[1]), within(1e-5f));
            assertThat(server.webhookAnswers()).containsExactly(200, 200);
        }
    }

    @Test
    void aModelExportedWithTorchExportIsRefusedWithWhatToDoInstead() throws Exception {
        Path model = TinyTorchScript.mlp(4, 8, 7).saveMlflowModel(dir.resolve("model"));
        Files.move(model.resolve("data/model.pth"), model.resolve("data/model.pt2"));
        String run = upload(model);
        python.call("POST", "registered-models/create", Map.of("name", "rater"));
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
        return upload(model.saveMlflowModel(Files.createTempDirectory(dir, "logged").resolve("model")));
    }

    private String upload(Path model) throws IOException, InterruptedException {
        Map<?, ?> run = python.startRun();
        String root = String.valueOf(run.get("artifact_uri")).substring("mlflow-artifacts:/".length());
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                python.upload(root + "/model/" + model.relativize(file).toString().replace('\\', '/'), file);
            }
        }
        return String.valueOf(run.get("run_id"));
    }

    private void register(String source, String runId) throws IOException, InterruptedException {
        python.createVersion("rater", source, runId);
    }
}
