package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.mlflow.MlflowModelRegistry;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowWebhookReceiver;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries are checked before they cost more than a read, and each change is announced once, webhook or poll. */
class MlflowWebhookReceiverTest {
    private static final String SECRET = "a-secret-of-sixteen-or-more";
    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");

    @TempDir
    Path dir;

    private MlflowTestServer server;
    private RecordingEventBus events;
    private MlflowModelRegistry registry;
    private MlflowModelRegistry elsewhere;

    @BeforeEach
    void start() throws Exception {
        server = MlflowTestServer.builder().registrationDelay(Duration.ZERO).start();
        events = RecordingEventBus.create();
        registry = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).events(events).build();
        elsewhere = MlflowModelRegistry.builder().server(MlflowServer.of(server.trackingUri())).build();
        Files.writeString(dir.resolve("w.bin"), "weights");
        elsewhere.createVersion(s -> s.model("rater").artifacts(dir.resolve("w.bin")));
    }

    @AfterEach
    void stop() {
        registry.close();
        events.close();
        server.close();
    }

    private MlflowWebhookReceiver receiver() {
        return MlflowWebhookReceiver.builder(registry).secret(SECRET).clock(TestClock.at(NOW)).build();
    }

    private static Map<String, String> headers(String delivery, Instant sent, String body, String secret) throws Exception {
        String timestamp = Long.toString(sent.getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((delivery + "." + timestamp + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return Map.of(MlflowWebhookReceiver.DELIVERY_ID_HEADER, delivery, MlflowWebhookReceiver.TIMESTAMP_HEADER, timestamp,
                MlflowWebhookReceiver.SIGNATURE_HEADER, "v1," + signature);
    }

    private static int deliver(MlflowWebhookReceiver receiver, Map<String, String> headers, String body) {
        return receiver.handle(name -> Optional.ofNullable(headers.get(name)), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSignedDeliveryAnnouncesTheChangeOnceAndAPollAfterItAnnouncesNothing() throws Exception {
        MlflowWebhookReceiver receiver = receiver();
        ModelVersion v2 = elsewhere.createVersion(s -> s.model("rater").artifacts(dir.resolve("w.bin")));
        elsewhere.setAlias("rater", "champion", v2.version(), "bob");
        String body = "{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": \"2026-11-29T08:00:00+00:00\","
                + " \"data\": {\"name\": \"rater\", \"alias\": \"champion\", \"version\": \"2\"}}";
        server.clearRequests();
        assertThat(deliver(receiver, headers("d-1", NOW, body, SECRET), body)).isEqualTo(200);
        assertThat(server.requests()).as("one read of the model").hasSize(1);
        assertThat(deliver(receiver, headers("d-1", NOW, body, SECRET), body)).as("a redelivery").isEqualTo(200);
        assertThat(registry.poll()).isZero();

        events.awaitDelivered(Duration.ofSeconds(10));
        assertThat(events.published(EventTypes.MODEL_VERSION_CREATED)).extracting(e -> e.data().get("version"))
                .containsExactly(2);
        assertThat(events.published(EventTypes.MODEL_ALIAS_CHANGED)).extracting(e -> e.data().get("version"))
                .containsExactly(2);
    }

    @Test
    void unsignedForgedStaleOrMalformedDeliveriesAreRefusedWithoutReadingMlflow() throws Exception {
        MlflowWebhookReceiver receiver = receiver();
        String body = "{\"entity\": \"model_version\", \"action\": \"created\", \"data\": {\"name\": \"rater\", \"version\": \"2\"}}";
        server.clearRequests();
        assertThat(deliver(receiver, Map.of(), body)).isEqualTo(400);
        assertThat(deliver(receiver, headers("d-2", NOW, body, "another-secret-of-16+"), body)).isEqualTo(401);
        assertThat(deliver(receiver, headers("d-3", NOW, body, SECRET), body.replace("rater", "other"))).isEqualTo(401);
        assertThat(deliver(receiver, headers("d-4", NOW.minus(Duration.ofMinutes(6)), body, SECRET), body)).isEqualTo(400);
        Map<String, String> bad = new java.util.HashMap<>(headers("d-5", NOW, body, SECRET));
        bad.put(MlflowWebhookReceiver.SIGNATURE_HEADER, "v1,not-base64!");
        assertThat(deliver(receiver, bad, body)).isEqualTo(401);
        assertThat(deliver(receiver, headers("d-6", NOW, "[1, 2]", SECRET), "[1, 2]")).isEqualTo(400);
        String prompt = "{\"entity\": \"prompt\", \"action\": \"created\", \"data\": {\"name\": \"greeting\"}}";
        assertThat(deliver(receiver, headers("d-7", NOW, prompt, SECRET), prompt)).as("not a model event").isEqualTo(200);
        assertThat(server.requests()).isEmpty();

        server.failNext("registered-models/get", 10, Fault.serverError(503));
        assertThat(deliver(receiver, headers("d-8", NOW, body, SECRET), body)).as("MLflow retries a 503").isEqualTo(503);
    }

    @Test
    void listensOnItsOwnPortForPostsOnly() throws Exception {
        try (MlflowWebhookReceiver receiver = receiver()) {
            URI url = receiver.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThat(url.getPath()).isEqualTo(MlflowWebhookReceiver.PATH);
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(405);
            assertThat(http.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(400);
            assertThatThrownBy(() -> receiver.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void refusesAMissingOrShortSecret() {
        assertThatThrownBy(() -> MlflowWebhookReceiver.builder(registry).build()).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("webhook.secret must be set");
        assertThatThrownBy(() -> MlflowWebhookReceiver.builder(registry).secret("short")).isInstanceOf(ValidationException.class)
                .hasMessage("webhook.secret must be at least 16 characters, was '(hidden)'");
        assertThatThrownBy(() -> MlflowWebhookReceiver.builder(registry).tolerance(Duration.ZERO))
                .isInstanceOf(ValidationException.class);
    }
}
