package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.monitor.Alert;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookAlertSinkTest {
    private static final String SECRET_PATH = "/services/T000/B000/secret-token";
    private static final Alert ALERT = new Alert("drift/movie-star-rater", Alert.Severity.CRITICAL,
            "Drift on movie-star-rater", "PSI 0.31 on avg_rating\nthreshold 0.2",
            Map.of("model", "movie-star-rater", "feature", "avg_rating"), Alert.Status.FIRING,
            Instant.parse("2025-06-01T12:00:00Z"));

    private final JsonCodec json = JsonCodec.create();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    /** What the receiver got: one entry per request. */
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Statuses to answer, in turn; 200 once they run out. */
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private volatile boolean stall;
    private HttpServer server;
    private URI uri;

    private record Received(String method, String path, String contentType, String authorization, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/", this::receive);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + SECRET_PATH);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        assertThat(serverThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void receive(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        if (stall) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = answers.isEmpty() ? 200 : answers.remove(0);
        byte[] bytes = (status == 200 ? "ok" : "error " + status).getBytes(StandardCharsets.UTF_8);
        if (status == 429) {
            exchange.getResponseHeaders().add("Retry-After", "0");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private WebhookAlertSink.Builder sink() {
        return WebhookAlertSink.builder(uri).backoff(Duration.ofMillis(1));
    }

    @Test
    void postsSlackCompatibleJsonWithTheAlertsFieldsAndHeaders() {
        WebhookAlertSink sink = sink().name("slack").header("Authorization", "Bearer s3cret").build();

        sink.send(ALERT);

        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(SECRET_PATH);
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.authorization()).isEqualTo("Bearer s3cret");
        Map<?, ?> body = json.read(request.body(), Map.class);
        assertThat(body.get("text")).isEqualTo("[FIRING CRITICAL] Drift on movie-star-rater (drift/movie-star-rater): "
                + "PSI 0.31 on avg_rating threshold 0.2");
        assertThat(body.get("key")).isEqualTo("drift/movie-star-rater");
        assertThat(body.get("status")).isEqualTo("FIRING");
        assertThat(body.get("severity")).isEqualTo("CRITICAL");
        assertThat(body.get("title")).isEqualTo("Drift on movie-star-rater");
        assertThat(body.get("description")).isEqualTo("PSI 0.31 on avg_rating\nthreshold 0.2");
        assertThat(body.get("labels")).isEqualTo(Map.of("model", "movie-star-rater", "feature", "avg_rating"));
        assertThat(body.get("at")).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(List.copyOf(body.keySet())).isEqualTo(List.of("text", "key", "status", "severity", "title",
                "description", "labels", "at"));
        assertThat(sink.name()).isEqualTo("slack");
    }

    @Test
    void resolvedAlertsSayResolvedAndEmptyTextLeavesNoColon() {
        Alert resolved = Alert.firing("latency/rater", Alert.Severity.WARNING, "Rater is slow", "")
                .resolved(Instant.parse("2025-06-01T13:00:00Z"));

        sink().build().send(resolved);

        Map<?, ?> body = json.read(received.get(0).body(), Map.class);
        assertThat(body.get("text")).isEqualTo("[RESOLVED WARNING] Rater is slow (latency/rater)");
        assertThat(body.get("status")).isEqualTo("RESOLVED");
        assertThat(body.get("labels")).isEqualTo(Map.of());
        assertThat(body.get("at")).isEqualTo("2025-06-01T13:00:00Z");
    }

    @Test
    void retriesAfter503And429ThenSucceeds() {
        answers.addAll(List.of(503, 429, 503));

        sink().retries(3).build().send(ALERT);

        assertThat(received).hasSize(4);
        assertThat(received).extracting(Received::body).containsOnly(received.get(0).body());
        assertThat(answers).isEmpty();
    }

    @Test
    void failsAtOnceOnOtherClientErrorsWithoutShowingSecrets() {
        answers.add(400);
        WebhookAlertSink sink = sink().retries(3).header("Authorization", "Bearer s3cret").build();

        MlopsException e = catchThrowableOfType(MlopsException.class, () -> sink.send(ALERT));

        assertThat(received).hasSize(1);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("webhook 'webhook' POST http://127.0.0.1:" + server.getAddress().getPort()
                + "/... of alert drift/movie-star-rater answered 400: error 400 (not retried)");
        assertThat(e.getMessage()).doesNotContain("secret-token").doesNotContain("s3cret");
    }

    @Test
    void throwsARetryableExceptionWhenRetriesAreExhausted() {
        answers.addAll(List.of(503, 503, 503, 503));

        MlopsException e = catchThrowableOfType(MlopsException.class, () -> sink().retries(2).build().send(ALERT));

        assertThat(received).hasSize(3);
        assertThat(answers).hasSize(1);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).endsWith("of alert drift/movie-star-rater failed after 3 attempts; the last answered"
                + " 503: error 503");
    }

    @Test
    void retriesARequestThatTimesOut() {
        stall = true;
        WebhookAlertSink sink = sink().requestTimeout(Duration.ofMillis(200)).retries(1).build();

        MlopsException e = catchThrowableOfType(MlopsException.class, () -> sink.send(ALERT));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("failed after 2 attempts; the last timed out");
        assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void retriesConnectionErrors() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WebhookAlertSink sink = WebhookAlertSink.builder(URI.create("http://127.0.0.1:" + closedPort + "/hook"))
                .backoff(Duration.ZERO).retries(2).build();

        MlopsException e = catchThrowableOfType(MlopsException.class, () -> sink.send(ALERT));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("failed after 3 attempts; the last failed: java.net.ConnectException");
        assertThat(e.getCause()).isInstanceOf(IOException.class);
    }

    @Test
    void rejectsBadSettingsNamingTheField() {
        assertThatThrownBy(() -> WebhookAlertSink.builder(URI.create("ftp://example.com/secret")))
                .isInstanceOf(ValidationException.class)
                .hasMessage("webhook.uri must be an http or https URL with a host, was 'ftp://example.com/...'");
        assertThatThrownBy(() -> WebhookAlertSink.builder(URI.create("hooks/secret")))
                .hasMessage("webhook.uri must be an http or https URL with a host, was '/...'");
        assertThatThrownBy(() -> WebhookAlertSink.builder(null)).hasMessage("webhook.uri must be set, was null");
        WebhookAlertSink.Builder b = sink();
        assertThatThrownBy(() -> b.retries(-1)).hasMessage("webhook.retries must be between 0 and 10, was '-1'");
        assertThatThrownBy(() -> b.backoff(Duration.ofMillis(-1))).hasMessage(
                "webhook.backoff must be between zero and PT30S, was 'PT-0.001S'");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
                .hasMessage("webhook.requestTimeout must be positive, was 'PT0S'");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(-1)))
                .hasMessage("webhook.connectTimeout must be positive, was 'PT-1S'");
        assertThatThrownBy(() -> b.name(" ")).hasMessage("webhook.name must not be blank, was ' '");
        assertThatThrownBy(() -> b.header("Authorization", "Bearer s3cret\r\nX-Evil: 1"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("webhook.header Authorization must be a header the HTTP client may send")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> b.header("Host", "example.com"))
                .hasMessageStartingWith("webhook.header Host must be a header the HTTP client may send");

        b.build().send(ALERT);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).authorization()).isNull();
    }
}
