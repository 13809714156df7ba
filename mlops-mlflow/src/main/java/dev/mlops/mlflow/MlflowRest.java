package dev.mlops.mlflow;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's REST API 2.0 on {@code java.net.http}: JSON in and out, an explicit timeout on every
 * call, and retries with exponential backoff only for calls that are safe to repeat (reads, updates
 * to a value, deletes). A create is sent once; its caller resolves an unanswered create by looking
 * for what it would have made.
 */
final class MlflowRest {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowRest.class);
    private static final String ARTIFACTS_PATH = "/api/2.0/mlflow-artifacts/artifacts/";

    /** Whether a call may be sent again after an unclear outcome. */
    enum Call { IDEMPOTENT, ONCE }

    private final MlflowServer server;
    private final HttpClient http;
    private final JsonCodec json;
    private final Duration timeout;
    private final int attempts;
    private final Duration backoff;
    private final long multipartThreshold;
    private final long partSize;

    MlflowRest(MlflowServer server, JsonCodec json, Duration connectTimeout, Duration timeout, int attempts, Duration backoff,
            long multipartThreshold, long partSize) {
        this.server = Checks.notNull("server", server);
        this.json = Checks.notNull("json", json);
        this.timeout = Checks.positive("timeout", timeout);
        this.attempts = Checks.inRange("attempts", attempts, 1, 100);
        this.backoff = Checks.positive("backoff", backoff);
        if (multipartThreshold < 1 || partSize < 1) {
            throw new ValidationException("multipart", "have a positive threshold and part size",
                    multipartThreshold + " / " + partSize);
        }
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Checks.positive("connectTimeout", connectTimeout))
                .followRedirects(HttpClient.Redirect.NORMAL);
        server.tls().ifPresent(client::sslContext);
        this.http = client.build();
    }

    MlflowServer server() {
        return server;
    }

    /** A read: {@code GET} with query parameters. */
    Map<String, Object> get(String endpoint, Map<String, ?> query) {
        String q = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> encode(e.getKey()) + "=" + encode(String.valueOf(e.getValue()))).collect(Collectors.joining("&"));
        URI uri = URI.create(server.apiUri(endpoint) + (q.isEmpty() ? "" : "?" + q));
        return send(endpoint, request(uri).GET(), Call.IDEMPOTENT);
    }

    /** A {@code POST} of a JSON body. */
    Map<String, Object> post(String endpoint, Map<String, ?> body, Call call) {
        return send(endpoint, request(server.apiUri(endpoint)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.write(body))), call);
    }

    /** A {@code PATCH} of a JSON body; updates set values, so they may be repeated. */
    Map<String, Object> patch(String endpoint, Map<String, ?> body) {
        return send(endpoint, request(server.apiUri(endpoint)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(json.write(body))), Call.IDEMPOTENT);
    }

    /** A {@code DELETE} with a JSON body, as MLflow takes it. */
    Map<String, Object> delete(String endpoint, Map<String, ?> body) {
        return send(endpoint, request(server.apiUri(endpoint)).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json.write(body))), Call.IDEMPOTENT);
    }

    /**
     * Uploads a file through the artifact proxy; a PUT of the same bytes to the same path may be
     * repeated. A file of {@code multipartThreshold} bytes or more goes up in parts through the
     * proxy's multipart upload ({@code mpu/create}, the parts, {@code mpu/complete}) when the server's
     * store offers it, and in one PUT when it answers {@code NOT_IMPLEMENTED}.
     */
    void putArtifact(String path, Path file) {
        long size = sizeOf(file);
        if (size >= multipartThreshold && putInParts(path, file, size)) {
            return;
        }
        try {
            send("mlflow-artifacts PUT", request(artifactUri(path)).PUT(HttpRequest.BodyPublishers.ofFile(file)),
                    Call.IDEMPOTENT);
        } catch (java.io.FileNotFoundException e) {
            throw new MlflowException("cannot read " + file + ": " + e.getMessage(), 0, MlflowException.NO_ANSWER, e, false);
        }
    }

    /** A multipart upload; false when the server does not offer one. */
    private boolean putInParts(String path, Path file, long size) {
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        int parts = (int) Math.min(10_000, (size + partSize - 1) / partSize);
        long partBytes = (size + parts - 1) / parts;
        Map<String, Object> created;
        try {
            created = sendTo("mpu/create", mpuUri("create", dir), body("path", name, "num_parts", parts), Call.ONCE);
        } catch (MlflowException e) {
            if (e.is("NOT_IMPLEMENTED")) {
                return false;
            }
            throw e;
        }
        String uploadId = String.valueOf(created.get("upload_id"));
        try {
            List<Map<String, Object>> done = new ArrayList<>();
            for (Map<String, Object> credential : list(created.get("credentials"))) {
                long number = number(credential.get("part_number"));
                long from = (number - 1) * partBytes;
                byte[] bytes = new byte[(int) Math.min(partBytes, size - from)];
                try (FileChannel channel = FileChannel.open(file)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                        // read the part
                    }
                }
                String url = String.valueOf(credential.get("url"));
                HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
                keyValueMap(credential.get("headers")).forEach(put::header);
                HttpResponse<byte[]> answer = exchange("mpu part " + number, put, HttpResponse.BodyHandlers.ofByteArray());
                done.add(body("part_number", number, "etag", answer.headers().firstValue("ETag").orElse(""), "url", url));
            }
            sendTo("mpu/complete", mpuUri("complete", dir), body("path", name, "upload_id", uploadId, "parts", done),
                    Call.IDEMPOTENT);
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                sendTo("mpu/abort", mpuUri("abort", dir), body("path", name, "upload_id", uploadId), Call.ONCE);
            } catch (MlflowException abort) {
                e.addSuppressed(abort);
            }
            if (e instanceof MlflowException m) {
                throw m;
            }
            throw new MlflowException("multipart upload of " + file + " to " + path + " failed: " + e, 0,
                    MlflowException.NO_ANSWER, e, true);
        }
    }

    private URI mpuUri(String action, String dir) {
        return URI.create(server.trackingUri() + "/api/2.0/mlflow-artifacts/mpu/" + action + (dir.isEmpty() ? "" : "/"
                + encodePath(dir)));
    }

    private Map<String, Object> sendTo(String what, URI uri, Map<String, ?> body, Call call) {
        return send(what, request(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.write(body))), call);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new MlflowException("cannot read " + file + ": " + e.getMessage(), 0, MlflowException.NO_ANSWER, e, false);
        }
    }

    /** Downloads a file from the artifact proxy. */
    void getArtifact(String path, Path target) {
        HttpResponse.BodyHandler<Object> toFile = info -> info.statusCode() / 100 == 2
                ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofFile(target), Object.class::cast)
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), Object.class::cast);
        call("mlflow-artifacts GET " + path, request(artifactUri(path)).GET(), toFile, Call.IDEMPOTENT);
    }

    /** Lists a directory of the artifact proxy: {@code files} with {@code path}, {@code is_dir} and {@code file_size}. */
    Map<String, Object> listArtifacts(String path) {
        URI uri = URI.create(server.trackingUri() + ARTIFACTS_PATH.substring(0, ARTIFACTS_PATH.length() - 1) + "?path="
                + encode(path));
        return send("mlflow-artifacts list " + path, request(uri).GET(), Call.IDEMPOTENT);
    }

    private URI artifactUri(String path) {
        return URI.create(server.trackingUri() + ARTIFACTS_PATH + encodePath(path));
    }

    private static String encodePath(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/")) {
            encoded.append(encoded.length() == 0 ? "" : "/").append(encode(segment).replace("+", "%20"));
        }
        return encoded.toString();
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        server.authorization().ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    private Map<String, Object> send(String endpoint, HttpRequest.Builder request, Call call) {
        byte[] body = call(endpoint, request, HttpResponse.BodyHandlers.ofByteArray(), call);
        if (body == null || body.length == 0) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = json.read(body, Map.class);
        return answer;
    }

    private <T> T call(String endpoint, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, Call call) {
        for (int attempt = 1; ; attempt++) {
            MlflowException failure;
            try {
                return exchange(endpoint, request, handler).body();
            } catch (MlflowException e) {
                failure = e;
            }
            if (!failure.retryable() || call == Call.ONCE || attempt >= attempts) {
                throw failure;
            }
            long sleep = Math.min(backoff.toMillis() << Math.min(attempt - 1, 10), 10_000);
            LOG.warn("{} (attempt {} of {}); trying again in {} ms", failure.getMessage(), attempt, attempts, sleep);
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /** One request; a 2xx answer, or the failure as an {@link MlflowException}. */
    private <T> HttpResponse<T> exchange(String endpoint, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            HttpResponse<T> response = http.send(request.build(), handler);
            if (response.statusCode() / 100 == 2) {
                return response;
            }
            throw error(endpoint, response);
        } catch (HttpTimeoutException e) {
            throw new MlflowException(endpoint + " on " + server + " got no answer within " + timeout, 0,
                    MlflowException.NO_ANSWER, e, true);
        } catch (IOException e) {
            throw new MlflowException(endpoint + " on " + server + " failed: " + e, 0, MlflowException.NO_ANSWER, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException(endpoint + " on " + server + " was interrupted", 0, MlflowException.NO_ANSWER, e, true);
        }
    }

    private MlflowException error(String endpoint, HttpResponse<?> response) {
        int status = response.statusCode();
        String code = "HTTP_" + status;
        String message = "";
        if (response.body() instanceof byte[] bytes && bytes.length > 0) {
            try {
                Map<?, ?> error = json.read(bytes, Map.class);
                code = error.get("error_code") instanceof String c ? c : code;
                message = error.get("message") instanceof String m ? m : "";
            } catch (RuntimeException e) {
                message = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8);
            }
        }
        boolean retryable = status >= 500 || status == 429;
        String why = status == 401 || status == 403 ? " (check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)" : "";
        return new MlflowException(endpoint + " on " + server + " answered " + status + " " + code
                + (message.isEmpty() ? "" : ": " + message) + why, status, code, null, retryable);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A JSON array of objects, or an empty list when MLflow left the field out. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(@Nullable Object value) {
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    /** A JSON object, or an empty map when MLflow left the field out. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(@Nullable Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** MLflow's {@code [{"key": …, "value": …}]} as a map. */
    static Map<String, String> keyValueMap(@Nullable Object value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map<String, Object> kv : list(value)) {
            map.put((String) kv.get("key"), String.valueOf(kv.get("value")));
        }
        return map;
    }

    /** A map as MLflow's {@code [{"key": …, "value": …}]}. */
    static List<Map<String, String>> keyValues(Map<String, String> map) {
        List<Map<String, String>> list = new ArrayList<>();
        map.forEach((k, v) -> list.add(Map.of("key", k, "value", v)));
        return list;
    }

    /** A number MLflow sent as a number or (for 64-bit values) as text; 0 when absent. */
    static long number(@Nullable Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    /** A body from alternating keys and values, skipping null values (MLflow treats absent and null alike). */
    static Map<String, Object> body(@Nullable Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                body.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return body;
    }
}
