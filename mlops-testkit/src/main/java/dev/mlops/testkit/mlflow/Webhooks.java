package dev.mlops.testkit.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.Nullable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Registry webhooks as MLflow 3.3 and later deliver them: for each change of a subscribed kind, a POST
 * of {@code {"entity", "action", "timestamp", "data"}} with the headers {@code X-MLflow-Delivery-Id},
 * {@code X-MLflow-Timestamp} (Unix seconds) and, with a secret, {@code X-MLflow-Signature}
 * ({@code v1,} and the base64 HMAC-SHA256 of {@code <delivery id>.<timestamp>.<body>}), sent after the
 * change and apart from the request that made it.
 */
final class Webhooks implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Hook(URI url, @Nullable String secret, Set<String> events) {
    }

    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mlflow-test-server-webhooks");
        t.setDaemon(true);
        return t;
    });

    void add(URI url, @Nullable String secret, Set<String> events) {
        hooks.add(new Hook(url, secret, Set.copyOf(events)));
    }

    /** The status each delivery got, in the order they were sent; 0 when no answer came. */
    List<Integer> answers() {
        return new ArrayList<>(answers);
    }

    /** Sends an event to every webhook subscribed to it, later and on another thread. */
    void deliver(String event, Map<String, Object> data) {
        for (Hook hook : hooks) {
            if (hook.events().contains(event)) {
                String body = body(event, data);
                sender.execute(() -> answers.add(send(hook, body)));
            }
        }
    }

    private static String body(String event, Map<String, Object> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("entity", event.substring(0, event.indexOf('.')));
        payload.put("action", event.substring(event.indexOf('.') + 1));
        payload.put("timestamp", OffsetDateTime.now(ZoneOffset.UTC).toString());
        payload.put("data", data);
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook payload: " + e.getMessage(), e);
        }
    }

    private int send(Hook hook, String body) {
        String delivery = UUID.randomUUID().toString();
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request = HttpRequest.newBuilder(hook.url()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-MLflow-Delivery-Id", delivery)
                .header("X-MLflow-Timestamp", timestamp).POST(HttpRequest.BodyPublishers.ofString(body));
        if (hook.secret() != null) {
            request.header("X-MLflow-Signature", "v1," + sign(hook.secret(), delivery + "." + timestamp + "." + body));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
