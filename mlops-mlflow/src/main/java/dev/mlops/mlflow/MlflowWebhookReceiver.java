package dev.mlops.mlflow;

import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives MLflow's registry webhooks (MLflow 3.3 and later, servers with a SQL backend) so that a
 * change made by anyone — in MLflow's UI, from Python — reaches this JVM at once instead of at the
 * next poll: each delivery is checked (HMAC-SHA256 signature {@code X-MLflow-Signature: v1,<base64>}
 * over {@code <delivery id>.<timestamp>.<body>}, a timestamp no older than the tolerance) and then
 * the model it names is {@linkplain MlflowModelRegistry#refresh(String) refreshed}, which announces
 * new versions and alias moves as {@code dev.mlops.model.*} events exactly once, polling or not.
 * What the payload says is only a hint; the server's state is read back, so a forged or replayed
 * delivery can at most cause a read.
 *
 * <p>Register it in MLflow for the events {@code model_version.created},
 * {@code model_version_alias.created} and {@code model_version_alias.deleted} with the same secret,
 * e.g. from Python: {@code MlflowClient().create_webhook(name="mlops", url=..., events=[...], secret=...)}.
 *
 * <pre>{@code
 * MlflowWebhookReceiver receiver = MlflowWebhookReceiver.builder(registry)
 *         .secret(System.getenv("MLFLOW_WEBHOOK_SECRET")).build();
 * receiver.listen(new InetSocketAddress(8085));          // POST http://host:8085/mlflow/webhooks
 * // or, in the application's own HTTP server:
 * int status = receiver.handle(request::header, request.bodyBytes());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowWebhookReceiver implements AutoCloseable {
    /** The path {@link #listen(InetSocketAddress)} serves. */
    public static final String PATH = "/mlflow/webhooks";
    /** MLflow's header of the signature. */
    public static final String SIGNATURE_HEADER = "X-MLflow-Signature";
    /** MLflow's header of the delivery's Unix time in seconds. */
    public static final String TIMESTAMP_HEADER = "X-MLflow-Timestamp";
    /** MLflow's header of the delivery's id. */
    public static final String DELIVERY_ID_HEADER = "X-MLflow-Delivery-Id";

    private static final Logger LOG = LoggerFactory.getLogger(MlflowWebhookReceiver.class);
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final MlflowModelRegistry registry;
    private final SecretKeySpec key;
    private final Duration tolerance;
    private final Clock clock;
    private final JsonCodec json = JsonCodec.create();
    private @Nullable HttpServer server;

    private MlflowWebhookReceiver(Builder b) {
        this.registry = b.registry;
        this.key = new SecretKeySpec(Checks.notNull("webhook.secret", b.secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.tolerance = b.tolerance;
        this.clock = b.clock;
    }

    /**
     * Starts a receiver for a registry.
     *
     * @param registry the registry whose models deliveries name
     * @return a builder
     */
    public static Builder builder(MlflowModelRegistry registry) {
        return new Builder(Checks.notNull("webhook.registry", registry));
    }

    /**
     * Handles one delivery.
     *
     * @param header the request's header by name, looked up case-insensitively by the caller
     * @param body the request body as received
     * @return the status to answer: 200 handled (also for events it does not act on), 400 missing
     *     headers, stale timestamp or unreadable body, 401 bad signature, 503 the registry could not be
     *     read (MLflow retries)
     */
    public int handle(Function<String, Optional<String>> header, byte[] body) {
        Optional<String> signature = header.apply(SIGNATURE_HEADER);
        Optional<String> timestamp = header.apply(TIMESTAMP_HEADER);
        Optional<String> delivery = header.apply(DELIVERY_ID_HEADER);
        if (signature.isEmpty() || timestamp.isEmpty() || delivery.isEmpty()) {
            LOG.warn("MLflow webhook refused: it lacks {}, {} or {}", SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_ID_HEADER);
            return 400;
        }
        long sent;
        try {
            sent = Long.parseLong(timestamp.get().trim());
        } catch (NumberFormatException e) {
            LOG.warn("MLflow webhook {} refused: timestamp '{}' is not a number", delivery.get(), timestamp.get());
            return 400;
        }
        if (Duration.between(Instant.ofEpochSecond(sent), clock.instant()).abs().compareTo(tolerance) > 0) {
            LOG.warn("MLflow webhook {} refused: sent at {}, more than {} from now", delivery.get(), Instant.ofEpochSecond(sent),
                    tolerance);
            return 400;
        }
        if (!signatureMatches(signature.get(), delivery.get() + "." + timestamp.get() + "." + new String(body,
                StandardCharsets.UTF_8))) {
            LOG.warn("MLflow webhook {} refused: the signature does not match the secret", delivery.get());
            return 401;
        }
        Map<?, ?> payload;
        try {
            payload = json.read(body, Map.class);
        } catch (RuntimeException e) {
            LOG.warn("MLflow webhook {} refused: the body is not a JSON object", delivery.get());
            return 400;
        }
        String entity = String.valueOf(payload.get("entity"));
        Object name = payload.get("data") instanceof Map<?, ?> data ? data.get("name") : null;
        if (!entity.startsWith("model_version") && !entity.equals("registered_model") || !(name instanceof String model)) {
            return 200;
        }
        try {
            int announced = registry.refresh(model);
            LOG.debug("MLflow webhook {} ({}.{}) on {}: {} changes announced", delivery.get(), entity, payload.get("action"),
                    model, announced);
            return 200;
        } catch (ValidationException e) {
            LOG.warn("MLflow webhook {} names no valid model: {}", delivery.get(), e.getMessage());
            return 200;
        } catch (MlopsException e) {
            LOG.warn("MLflow webhook {}: cannot read {} from MLflow: {}", delivery.get(), model, e.getMessage());
            return 503;
        }
    }

    private boolean signatureMatches(String header, String signed) {
        String[] parts = header.trim().split(",", 2);
        if (parts.length != 2 || !parts[0].equals("v1")) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(parts[1].trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return MessageDigest.isEqual(given, mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * Serves {@value #PATH} on its own HTTP server (POST only), for applications without one.
     *
     * @param address the interface and port; port 0 picks a free one
     * @return the URL to register in MLflow
     * @throws MlopsException if the port cannot be bound
     * @throws IllegalStateException if it already listens
     */
    public synchronized URI listen(InetSocketAddress address) {
        Checks.notNull("address", address);
        if (server != null) {
            throw new IllegalStateException("the receiver already listens on " + server.getAddress());
        }
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new MlopsException("cannot listen on " + address + ": " + e.getMessage(), e, false);
        }
        http.createContext(PATH, exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                int status;
                if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(PATH)) {
                    status = exchange.getRequestMethod().equals("POST") ? 404 : 405;
                } else {
                    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
                    status = body.length > MAX_BODY_BYTES ? 413
                            : handle(name -> Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)), body);
                }
                exchange.sendResponseHeaders(status, -1);
            } finally {
                exchange.close();
            }
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mlflow-webhooks");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        server = http;
        return URI.create("http://" + (address.getAddress().isAnyLocalAddress() ? "localhost"
                : address.getAddress().getHostAddress()) + ":" + http.getAddress().getPort() + PATH);
    }

    /** Stops the HTTP server of {@link #listen(InetSocketAddress)}, if started. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public String toString() {
        return "MlflowWebhookReceiver[" + registry + (server == null ? "" : ", listening on " + server.getAddress()) + "]";
    }

    /**
     * Builds an {@link MlflowWebhookReceiver}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final MlflowModelRegistry registry;
        private @Nullable String secret;
        private Duration tolerance = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder(MlflowModelRegistry registry) {
            this.registry = registry;
        }

        /**
         * Sets the secret the webhook was created with in MLflow; required, since unsigned deliveries
         * are refused.
         *
         * @param secret at least 16 characters; never logged
         * @return this builder
         * @throws ValidationException if it is shorter
         */
        public Builder secret(String secret) {
            if (secret == null || secret.length() < 16) {
                throw new ValidationException("webhook.secret", "be at least 16 characters", "(hidden)");
            }
            this.secret = secret;
            return this;
        }

        /**
         * Sets how far a delivery's timestamp may be from this clock, against replays.
         *
         * @param tolerance positive; 5 minutes by default
         * @return this builder
         */
        public Builder tolerance(Duration tolerance) {
            this.tolerance = Checks.positive("webhook.tolerance", tolerance);
            return this;
        }

        /**
         * Sets the clock timestamps are checked against.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("webhook.clock", clock);
            return this;
        }

        /**
         * Creates the receiver, after the registry has {@linkplain MlflowModelRegistry#poll() polled}
         * once, so that it knows the state the changes deliveries announce are measured from.
         *
         * @return the receiver
         * @throws ValidationException if no secret was set
         * @throws MlopsException if the registry cannot be read
         */
        public MlflowWebhookReceiver build() {
            if (secret == null) {
                throw new ValidationException("webhook.secret", "be set: MLflow signs deliveries with the webhook's"
                        + " secret, and unsigned ones are refused", "(unset)");
            }
            registry.poll();
            return new MlflowWebhookReceiver(this);
        }
    }
}
