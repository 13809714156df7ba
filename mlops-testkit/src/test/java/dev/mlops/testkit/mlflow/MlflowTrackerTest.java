package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.mlflow.MlflowException;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowTracker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the MLflow tracker sends, how few calls it makes, and how it rides out a failing server. */
class MlflowTrackerTest {
    @RegisterExtension
    static final MlflowExtension MLFLOW = new MlflowExtension();

    @TempDir
    Path dir;

    private MlflowTestServer server;
    private String experiment;

    @BeforeEach
    void fresh() {
        server = MLFLOW.server();
        server.clearFaults();
        server.clearRequests();
        experiment = "exp-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private MlflowTracker.Builder tracker() {
        return MlflowTracker.builder().server(MlflowServer.of(server.trackingUri())).retries(4, Duration.ofMillis(10));
    }

    @Test
    void sendsMetricsInBatchesOfAtMostAThousandPoints() {
        MlflowTracker tracker = tracker().metricFlushInterval(Duration.ofHours(1)).build();
        String id;
        try (TrackingRun run = tracker.startRun(experiment, "long-training")) {
            id = run.id();
            for (int step = 0; step < 2_500; step++) {
                run.logMetric("loss", 1.0 / (step + 1));
            }
        }
        assertThat(server.requestCount("POST", "runs/log-batch")).isEqualTo(3);
        assertThat(server.requestCount("POST", "runs/log-metric")).isZero();
        RunInfo info = tracker.findRun(id).orElseThrow();
        assertThat(info.metrics().get("loss")).hasSize(2_500);
        assertThat(info.metrics().get("loss").get(2_499).step()).isEqualTo(2_499);
        assertThat(info.tags()).containsEntry("mlflow.user", System.getProperty("user.name"))
                .containsEntry("mlflow.source.name", "mlops-sdk").containsEntry("mlflow.runName", "long-training");
    }

    @Test
    void retriesWhatIsSafeToRepeatAndStopsAtTheLastAttempt() {
        MlflowTracker tracker = tracker().build();
        try (TrackingRun run = tracker.startRun(experiment, "r")) {
            server.failNext("runs/set-tag", 2, Fault.serverError(503));
            run.setTag("dataset", "ratings-v1");
            assertThat(server.requestCount("POST", "runs/set-tag")).isEqualTo(3);

            server.failNext("runs/set-tag", 4, Fault.serverError(500));
            assertThatThrownBy(() -> run.setTag("dataset", "ratings-v2")).isInstanceOf(MlflowException.class)
                    .satisfies(e -> assertThat(((MlflowException) e).retryable()).isTrue())
                    .hasMessageContaining("runs/set-tag").hasMessageContaining("500");
            assertThat(run.info().tags()).containsEntry("dataset", "ratings-v1");
        }
    }

    @Test
    void aReadThatTimesOutIsAskedAgain() {
        MlflowTracker tracker = tracker().timeouts(Duration.ofSeconds(5), Duration.ofMillis(300)).build();
        String id;
        try (TrackingRun run = tracker.startRun(experiment, "r")) {
            id = run.id();
        }
        server.failNext("runs/get", 1, Fault.delay(Duration.ofSeconds(2)));
        assertThat(tracker.findRun(id)).isPresent();
        assertThat(server.requestCount("GET", "runs/get")).isEqualTo(2);
    }

    @Test
    void aCreateWhoseAnswerIsLostIsNotMadeTwice() {
        MlflowTracker tracker = tracker().build();
        server.failNext("experiments/create", 1, Fault.serverError(503).afterApplying());
        server.failNext("runs/create", 1, Fault.disconnect().afterApplying());
        try (TrackingRun run = tracker.startRun(experiment, "only-once")) {
            run.logParam("lr", "0.01");
        }
        assertThat(server.requestCount("POST", "runs/create")).isEqualTo(1);
        assertThat(tracker.experiments()).containsOnlyOnce(experiment);
        assertThat(tracker.runs(experiment)).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("only-once");
            assertThat(r.params()).containsEntry("lr", "0.01");
        });
    }

    @Test
    void aCreateThatFailsBeforeItIsAppliedFailsAndLeavesNothing() {
        MlflowTracker tracker = tracker().build();
        tracker.startRun(experiment, "first").close();
        server.failNext("runs/create", 1, Fault.serverError(503));
        assertThatThrownBy(() -> tracker.startRun(experiment, "second")).isInstanceOf(MlflowException.class)
                .hasMessageContaining("503");
        assertThat(tracker.runs(experiment)).extracting(RunInfo::name).containsExactly("first");
    }

    @Test
    void artifactsGoThroughTheProxyWithTheEmbeddedStoresChecksums() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("serving.properties"), "engine=PyTorch\n");
        Files.writeString(Files.createDirectories(model.resolve("weights")).resolve("layer-0.bin"), "0123456789");
        Path report = Files.writeString(dir.resolve("report.txt"), "rmse 0.84\n");
        MlflowTracker tracker = tracker().build();
        ArtifactRef dirRef;
        ArtifactRef fileRef;
        String id;
        try (TrackingRun run = tracker.startRun(experiment, "with-artifacts")) {
            id = run.id();
            dirRef = run.logArtifact("model", model);
            fileRef = run.logArtifact("report", report);
        }
        try (LocalArtifactStore local = LocalArtifactStore.at(dir.resolve("local"), JsonCodec.create())) {
            assertThat(dirRef.sha256()).isEqualTo(local.put(model).sha256());
            assertThat(fileRef.sha256()).isEqualTo(local.put(report).sha256());
        }
        assertThat(dirRef.directory()).isTrue();
        assertThat(dirRef.size()).isEqualTo(25);
        String root = dirRef.uri().toString().replaceFirst("^mlflow-artifacts:/+", "");
        assertThat(server.artifact(root + "/weights/layer-0.bin")).hasValueSatisfying(b ->
                assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("0123456789"));
        assertThat(server.artifact(fileRef.uri().toString().replaceFirst("^mlflow-artifacts:/+", ""))).isPresent();
        RunInfo info = tracker.findRun(id).orElseThrow();
        assertThat(info.artifacts()).containsEntry("model", dirRef).containsEntry("report", fileRef);
        assertThat(info.tags()).doesNotContainKey(MlflowTracker.ARTIFACT_TAG + "model");
    }

    @Test
    void largeFilesGoUpInPartsWhereTheServerOffersIt() throws Exception {
        byte[] weights = new byte[2_500];
        new Random(3).nextBytes(weights);
        Path file = Files.write(dir.resolve("weights.bin"), weights);
        MlflowTracker tracker = tracker().multipart(1_000, 400).build();
        ArtifactRef inParts;
        try (TrackingRun run = tracker.startRun(experiment, "large")) {
            inParts = run.logArtifact("weights", file);
            assertThat(server.requests()).filteredOn(r -> r.path().contains("/mpu/upload/")).hasSize(7);
            assertThat(server.requests()).filteredOn(r -> r.path().contains("/mpu/complete")).hasSize(1);
            server.multipartUploads(false);
            try {
                ArtifactRef whole = run.logArtifact("weights-again", file);
                assertThat(whole.sha256()).isEqualTo(inParts.sha256());
            } finally {
                server.multipartUploads(true);
            }
        }
        assertThat(server.artifact(inParts.uri().toString().replaceFirst("^mlflow-artifacts:/+", ""))).hasValue(weights);
        assertThat(inParts.size()).isEqualTo(2_500);
    }

    @Test
    void refusedCredentialsAreNamedButNeverShown() {
        server.requireToken("s3cret-token");
        try {
            MlflowTracker wrong = MlflowTracker.builder().server(MlflowServer.fromEnvironment(Map.of(
                    "MLFLOW_TRACKING_URI", server.trackingUri(), "MLFLOW_TRACKING_TOKEN", "not-the-token"))).build();
            assertThatThrownBy(() -> wrong.startRun(experiment, "r")).isInstanceOf(MlflowException.class)
                    .hasMessageContaining("401").hasMessageContaining("MLFLOW_TRACKING_TOKEN")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-token"));
            MlflowTracker right = MlflowTracker.builder().server(MlflowServer.fromEnvironment(Map.of(
                    "MLFLOW_TRACKING_URI", server.trackingUri(), "MLFLOW_TRACKING_TOKEN", "s3cret-token"))).build();
            right.startRun(experiment, "r").close();
            assertThat(right.toString()).doesNotContain("s3cret-token");
        } finally {
            server.allowAnonymous();
        }
    }

    @Test
    void aPlatformTracksOnMlflowWithOneSetting() {
        List<String> finished = new CopyOnWriteArrayList<>();
        String id;
        try (MlopsPlatform mlops = MlopsPlatform.builder().name("rating-trainer").home(dir.resolve("home"))
                .trackerProvider("mlflow").property("mlflow.tracking-uri", server.trackingUri()).build()) {
            mlops.eventBus().subscribe(EventTypes.TRACKING_RUN_FINISHED, e -> finished.add(e.subject().orElseThrow()));
            try (TrackingRun run = mlops.tracker().startRun(experiment, "baseline")) {
                id = run.id();
                run.logMetric("rmse", 0.84);
            }
            assertThat(mlops.tracker()).isInstanceOf(MlflowTracker.class);
            assertThat(mlops.tracker().findRun(id).orElseThrow().tags()).containsEntry("mlflow.source.name", "rating-trainer");
        }
        assertThat(finished).as("closing the platform drained its bus").containsExactly(id);
    }
}
