package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.MlopsException;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.TensorSpec;
import dev.mlops.api.model.VersionStatus;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TinyModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the MLflow registry asks of the server, how it rides out lost answers, and how others' changes reach this JVM. */
class MlflowModelRegistryTest {
    @TempDir
    Path dir;

    private MlflowTestServer server;
    private Path modelDir;

    @BeforeEach
    void start() throws Exception {
        server = MlflowTestServer.start();
        modelDir = Files.createDirectories(dir.resolve("model"));
        Files.writeString(modelDir.resolve("serving.properties"), "engine=PyTorch\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MlflowModelRegistry.Builder registry() {
        return MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).retries(4, Duration.ofMillis(10));
    }

    @Test
    void aVersionCreateWhoseAnswerIsLostIsNotMadeTwice() {
        MlflowModelRegistry registry = registry().build();
        server.failNext("model-versions/create", 1, Fault.disconnect().afterApplying());
        ModelVersion first = registry.createVersion(v -> v.model("rater").artifacts(modelDir));
        ModelVersion second = registry.createVersion(v -> v.model("rater").artifacts(modelDir));
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(registry.versions("rater")).extracting(ModelVersion::version).containsExactly(1, 2);
    }

    @Test
    void aNewVersionIsUsedOnlyOnceMlflowHasItReady() {
        server.registrationDelay(Duration.ofMillis(300));
        ModelVersion v = registry().build().createVersion(s -> s.model("rater").artifacts(modelDir));
        assertThat(v.status()).isEqualTo(VersionStatus.READY);
        assertThat(server.requestCount("GET", "model-versions/get")).isGreaterThan(2);
    }

    @Test
    void readsAndAliasMovesTakeFewCalls() {
        MlflowModelRegistry registry = registry().build();
        registry.createVersion(v -> v.model("rater").artifacts(modelDir));
        registry.createVersion(v -> v.model("rater").artifacts(modelDir));
        server.clearRequests();
        registry.version("rater", 1);
        registry.versionByAlias("rater", "champion");
        registry.model("rater");
        assertThat(server.requests()).hasSize(3);

        server.clearRequests();
        registry.setAlias("rater", "champion", 2, "ana");
        // the version exists, the alias's previous version, the move, its history entry, the version as it is now
        assertThat(server.requests()).extracting(r -> r.method() + " " + r.path().replaceFirst("^/api/2.0/mlflow/", ""))
                .containsExactly("GET model-versions/get", "GET registered-models/alias", "POST registered-models/alias",
                        "POST registered-models/set-tag", "GET model-versions/get");
    }

    @Test
    void aVersionCarriesAnMlmodelFileThatMlflowToolsRead() throws Exception {
        MlflowModelRegistry registry = registry().build();
        Signature signature = new Signature(List.of(TensorSpec.of("features", "float32", -1, 4)),
                List.of(TensorSpec.of("rating", "float32", -1, 1)));
        ModelVersion v = registry.createVersion(s -> s.model("rater").artifacts(modelDir).format("djl").signature(signature));
        String root = v.artifacts().uri().toString().replaceFirst("^mlflow-artifacts:/+", "");
        String mlmodel = new String(server.artifact(root + "/MLmodel").orElseThrow(), StandardCharsets.UTF_8);
        assertThat(mlmodel).contains("flavors:\n  mlops_java:\n    format: 'djl'\n")
                .contains("model_uuid: ").contains("utc_time_created: '")
                .contains("  inputs: '[{\"type\":\"tensor\",\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1,4]},"
                        + "\"name\":\"features\"}]'");
        Path out = dir.resolve("download");
        registry.downloadArtifacts(v, out);
        assertThat(out.resolve("MLmodel")).hasContent(mlmodel.stripTrailing());
        assertThat(out.resolve("serving.properties")).hasContent("engine=PyTorch");

        Files.writeString(modelDir.resolve("MLmodel"), "flavors: {}\n");
        ModelVersion own = registry.createVersion(s -> s.model("rater").artifacts(modelDir));
        String ownRoot = own.artifacts().uri().toString().replaceFirst("^mlflow-artifacts:/+", "");
        assertThat(server.artifact(ownRoot + "/MLmodel")).hasValueSatisfying(b ->
                assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("flavors: {}\n"));
    }

    @Test
    void aTamperedArtifactIsRefusedAndNothingIsWritten() throws Exception {
        MlflowModelRegistry registry = registry().build();
        ModelVersion v = registry.createVersion(s -> s.model("rater").artifacts(modelDir));
        String file = v.artifacts().uri().toString().replaceFirst("^mlflow-artifacts:/+", "") + "/serving.properties";
        HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.trackingUri()
                + "/api/2.0/mlflow-artifacts/artifacts/" + file)).PUT(HttpRequest.BodyPublishers.ofString("engine=Other\n")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);
        Path target = dir.resolve("download");
        assertThatThrownBy(() -> registry.downloadArtifacts(v, target)).isInstanceOf(MlopsException.class)
                .hasMessageContaining("must hash to its recorded sha256");
        assertThat(target).doesNotExist();
    }

    @Test
    void changesMadeByOthersAreAnnouncedOnceAndAnEndpointFollowsThem() throws Exception {
        RecordingEventBus events = RecordingEventBus.create();
        try (MlflowModelRegistry here = registry().events(events).pollInterval(Duration.ofMillis(50)).build();
                TrainedModel doubled = TinyModels.linear(2); TrainedModel tripled = TinyModels.linear(3)) {
            MlflowModelRegistry elsewhere = registry().build();       // another process, MLflow's UI or Python
            ModelVersion v1 = doubled.register(here, "rater", spec -> { });
            here.setAlias("rater", "champion", v1.version(), "ana");
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                    .registry(here).events(events).model("rater").alias("champion").loader(TrainedModel.servingLoader())
                    .build()) {
                assertThat(endpoint.predict(new float[] {1, 0}).value()).isCloseTo(2f, within(0.5f));
                ModelVersion v2 = tripled.register(elsewhere, "rater", spec -> { });
                elsewhere.setAlias("rater", "champion", v2.version(), "bob");
                await(() -> endpoint.version() == v2.version());
                assertThat(endpoint.predict(new float[] {1, 0}).value()).isCloseTo(3f, within(0.5f));
            }
            events.awaitDelivered(Duration.ofSeconds(10));
            assertThat(events.published(EventTypes.MODEL_VERSION_CREATED)).extracting(e -> e.data().get("version"))
                    .containsExactly(1, 2);
            assertThat(events.published(EventTypes.MODEL_ALIAS_CHANGED)).extracting(e -> e.data().get("version"), e -> e.data()
                    .get("actor")).containsExactly(tuple(1, "ana"),
                    tuple(2, "mlflow"));
        } finally {
            events.close();
        }
    }

    @Test
    void aPlatformKeepsItsRegistryOnMlflowWithOneSetting() {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).registryProvider("mlflow")
                .property("mlflow.tracking-uri", server.trackingUri()).property("mlflow.poll-interval", "PT0.05S").build()) {
            assertThat(mlops.registry()).isInstanceOf(MlflowModelRegistry.class);
            ModelVersion v = mlops.registry().createVersion(s -> s.model("rater").artifacts(modelDir).by("ci"));
            assertThat(mlops.registry().version("rater", v.version()).createdBy()).isEqualTo("ci");
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
