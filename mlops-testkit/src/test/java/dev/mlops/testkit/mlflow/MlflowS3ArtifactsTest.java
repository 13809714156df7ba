package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.TorchScriptLoader;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowTracker;
import dev.mlops.testkit.TinyTorchScript;
import dev.mlops.testkit.s3.EmbeddedS3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A server that does not proxy artifacts ({@code --no-serve-artifacts}, artifact root in S3): run
 * artifacts and version files go straight to S3 through mlops-s3, and come back verified.
 */
class MlflowS3ArtifactsTest {
    private static EmbeddedS3 s3;

    @TempDir
    Path dir;

    private String bucket;
    private MlflowTestServer server;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @BeforeEach
    void start() {
        bucket = s3.createBucket("mlflow");
        server = MlflowTestServer.builder().defaultArtifactRoot("s3://" + bucket + "/mlflow").registrationDelay(Duration.ZERO)
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MlflowTracker.Builder tracker() {
        return MlflowTracker.builder().server(MlflowServer.of(server.trackingUri()))
                .storeProperty("s3.endpoint", s3.endpoint().toString()).storeProperty("s3.path-style", "true")
                .storeProperty("s3.access-key-id", s3.accessKey()).storeProperty("s3.secret-access-key", s3.secretKey());
    }

    private MlflowModelRegistry.Builder registry() {
        return MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri()))
                .storeProperty("s3.endpoint", s3.endpoint().toString()).storeProperty("s3.path-style", "true")
                .storeProperty("s3.access-key-id", s3.accessKey()).storeProperty("s3.secret-access-key", s3.secretKey());
    }

    @Test
    void runArtifactsGoToTheRunsRootInS3() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("weights.bin"), "weights");
        Files.writeString(Files.createDirectories(model.resolve("meta")).resolve("info.json"), "{}");
        try (MlflowTracker tracker = tracker().build();
                TrackingRun run = tracker.startRun("ratings", "s3")) {
            ArtifactRef ref = run.logArtifact("model", model);
            ArtifactRef report = run.logArtifact("report", Files.writeString(dir.resolve("report.txt"), "rmse 0.8"));

            String root = "mlflow/1/" + run.id() + "/artifacts/";
            assertThat(ref.uri().toString()).isEqualTo("s3://" + bucket + "/" + root + "model");
            assertThat(object(root + "model/weights.bin")).isEqualTo("weights");
            assertThat(object(root + "model/meta/info.json")).isEqualTo("{}");
            assertThat(object(root + "report")).isEqualTo("rmse 0.8");
            assertThat(report.sha256()).isEqualTo(ArtifactManifests.sha256(dir.resolve("report.txt")));
            assertThat(server.requests()).noneMatch(r -> r.path().contains("mlflow-artifacts"));
        }
    }

    @Test
    void versionFilesGoUnderTheRegistrysS3RootAndComeBackVerified() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("weights.bin"), "weights");
        try (MlflowModelRegistry registry = registry().artifactRoot("s3://" + bucket + "/models/").build()) {
            ModelVersion v = registry.createVersion(s -> s.model("rater").artifacts(model));
            String source = v.artifacts().uri().toString();
            assertThat(source).startsWith("s3://" + bucket + "/models/rater/");
            String prefix = source.substring(("s3://" + bucket + "/").length());
            assertThat(object(prefix + "/MLmodel")).contains("mlops_java");

            registry.downloadArtifacts(v, dir.resolve("copy"));
            assertThat(dir.resolve("copy/weights.bin")).hasContent("weights");

            s3.client().putObject(r -> r.bucket(bucket).key(prefix + "/weights.bin"), RequestBody.fromString("tampered"));
            assertThatThrownBy(() -> registry.downloadArtifacts(v, dir.resolve("tampered")))
                    .hasMessageContaining("must hash to its recorded sha256");
            assertThat(dir.resolve("tampered")).doesNotExist();
        }
        assertThatThrownBy(() -> registry().artifactRoot("/var/models")).isInstanceOf(ValidationException.class)
                .hasMessage("registry.artifactRoot must start with mlflow-artifacts:/ or s3://, was '/var/models'");
    }

    @Test
    void aModelThatPythonWroteToS3IsServed() throws Exception {
        TinyTorchScript tiny = TinyTorchScript.mlp(3, 5, 21);
        Path saved = tiny.saveMlflowModel(dir.resolve("model"));
        PythonClient python = new PythonClient(server);
        Map<?, ?> run = python.startRun();
        String root = String.valueOf(run.get("artifact_uri"));
        assertThat(root).startsWith("s3://" + bucket + "/mlflow/0/");
        try (Stream<Path> files = Files.walk(saved)) {        // what boto3 uploads for mlflow.pytorch.log_model
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = root.substring(("s3://" + bucket + "/").length()) + "/model/"
                        + saved.relativize(file).toString().replace('\\', '/');
                s3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(file));
            }
        }
        python.call("POST", "registered-models/create", Map.of("name", "scorer"));
        python.createVersion("scorer", "runs:/" + run.get("run_id") + "/model", String.valueOf(run.get("run_id")));
        try (MlflowModelRegistry registry = registry().build();
                EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("scorer")
                        .registry(registry).model("scorer").version(1).loader(TorchScriptLoader.rows(3)).build()) {
            float[] row = {0.5f, -2f, 1f};
            assertThat(endpoint.predict(row).value()).isCloseTo(tiny.predict(row), within(1e-5f));
        }
    }

    @Test
    void aPlatformWritesVersionsToS3WithItsProperties() throws IOException {
        Path model = Files.writeString(dir.resolve("weights.bin"), "weights");
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).registryProvider("mlflow")
                .property("mlflow.tracking-uri", server.trackingUri()).property("mlflow.poll-interval", "PT0S")
                .property("mlflow.artifact-root", "s3://" + bucket + "/platform")
                .property("s3.endpoint", s3.endpoint().toString()).property("s3.path-style", "true")
                .property("s3.access-key-id", s3.accessKey()).property("s3.secret-access-key", s3.secretKey()).build()) {
            ModelVersion v = mlops.registry().createVersion(s -> s.model("rater").artifacts(model));
            assertThat(v.artifacts().uri().toString()).startsWith("s3://" + bucket + "/platform/rater/");
            mlops.registry().downloadArtifacts(v, dir.resolve("copy.bin"));
            assertThat(dir.resolve("copy.bin")).hasContent("weights");
        }
    }

    private String object(String key) {
        return s3.client().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
    }
}
