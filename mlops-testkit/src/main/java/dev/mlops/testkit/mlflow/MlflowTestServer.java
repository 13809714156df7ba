package dev.mlops.testkit.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MLflow tracking server in the test JVM: MLflow's REST API 2.0 as MLflow 2.17 serves it with
 * {@code --serve-artifacts}, kept in memory, on the JDK's HTTP server, so that an MLflow client
 * written in Java can be tested without Python. It follows the protocol definitions
 * ({@code service.proto}, {@code model_registry.proto}, {@code mlflow_artifacts.proto}) and the
 * server's handlers: the same paths and methods, JSON field names, defaults, limits, error codes
 * and HTTP statuses.
 *
 * <pre>{@code
 * try (MlflowTestServer mlflow = MlflowTestServer.start()) {
 *     String uri = mlflow.trackingUri();                 // http://127.0.0.1:41234
 *     // POST uri + "/api/2.0/mlflow/experiments/create" {"name": "movie-rater"}
 *     mlflow.failNext("model-versions/create", 1, Fault.disconnect().afterApplying());
 *     assertThat(mlflow.requestCount("POST", "model-versions/create")).isEqualTo(2);
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * Under {@code /api/2.0/mlflow/}:
 * <ul>
 * <li>experiments: {@code POST create}, {@code GET get}, {@code GET get-by-name}, {@code GET|POST search},
 *     {@code POST delete}, {@code POST restore}, {@code POST update}, {@code POST set-experiment-tag},
 *     {@code POST delete-experiment-tag};</li>
 * <li>runs: {@code POST create}, {@code GET get}, {@code POST update}, {@code POST delete},
 *     {@code POST restore}, {@code POST log-metric}, {@code POST log-parameter}, {@code POST set-tag},
 *     {@code POST delete-tag}, {@code POST log-batch}, {@code POST search}; {@code GET metrics/get-history};</li>
 * <li>registered-models: {@code POST create}, {@code GET get}, {@code POST rename}, {@code PATCH update},
 *     {@code DELETE delete}, {@code GET search}, {@code GET|POST get-latest-versions}, {@code POST set-tag},
 *     {@code DELETE delete-tag}, {@code POST|DELETE|GET alias};</li>
 * <li>model-versions: {@code POST create}, {@code GET get}, {@code PATCH update}, {@code DELETE delete},
 *     {@code GET search}, {@code POST set-tag}, {@code DELETE delete-tag}, {@code POST transition-stage},
 *     {@code GET get-download-uri}.</li>
 * </ul>
 * Under {@code /api/2.0/mlflow-artifacts/}: {@code PUT|GET|DELETE artifacts/<path>},
 * {@code GET artifacts?path=<dir>} (lists the directory's children by name, {@code file_size} only
 * for files), and the multipart upload {@code POST mpu/create/<dir>}, {@code POST mpu/complete/<dir>},
 * {@code POST mpu/abort/<dir>} with the file name from the body's {@code path}; the part URLs it
 * hands out point back at this server ({@code PUT mpu/upload/<file>?upload_id=..&part_number=..},
 * answering an {@code ETag} that {@code complete} checks), where a real server hands out its
 * cloud store's presigned URLs. Also {@code GET /health} and {@code GET /version}.
 *
 * <h2>Behaviour kept from MLflow</h2>
 * <ul>
 * <li>GET fields come from the query string (repeated fields as repeated parameters), the fields of
 *     everything else from a JSON body; unknown fields are ignored; a POST without
 *     {@code Content-Type: application/json} is refused as MLflow refuses it.</li>
 * <li>Errors are {@code {"error_code": "...", "message": "..."}}: {@code RESOURCE_DOES_NOT_EXIST} 404,
 *     {@code INVALID_PARAMETER_VALUE} 400, {@code RESOURCE_ALREADY_EXISTS} 400,
 *     {@code NOT_IMPLEMENTED} 501; an unknown path answers 404 {@code ENDPOINT_NOT_FOUND}, a known
 *     path with the wrong method 405.</li>
 * <li>Responses leave out empty lists and unset fields, as MLflow's protobuf JSON does: a run without
 *     metrics has no {@code data.metrics}, the last page has no {@code next_page_token}. Numbers of
 *     type int64 are JSON numbers; model version numbers are strings.</li>
 * <li>Experiment {@code 0} ("Default") exists; new experiments get ids 1, 2, ... and the artifact
 *     location {@code mlflow-artifacts:/<id>} (or {@code <root>/<id>} with a {@link
 *     Builder#defaultArtifactRoot default artifact root}, the proxy then answering 503 as with
 *     {@code --no-serve-artifacts}); runs get {@code <location>/<run_id>/artifacts}.</li>
 * <li>Limits: param values 6,000 characters, tag values 5,000, keys 250; log-batch at most 1,000
 *     metrics, 100 params, 100 tags and 1,000 in all; changing a logged param is
 *     {@code INVALID_PARAMETER_VALUE}; {@code max_results} at most 50,000 (runs, experiments),
 *     1,000 (registered models), 200,000 (model versions).</li>
 * <li>Page tokens are MLflow's, base64 of {@code {"offset": n}}.</li>
 * </ul>
 *
 * <h2>Where it differs</h2>
 * <ul>
 * <li>A new model version is {@code PENDING_REGISTRATION} for the {@link Builder#registrationDelay
 *     registration delay} (50 ms by default) and {@code READY} after, as on servers that register
 *     asynchronously; clients must wait for {@code READY} the way MLflow's own client does. A
 *     delay of zero gives {@code READY} at once, as MLflow's SQL store does.</li>
 * <li>Search filters understand comparisons joined by {@code AND}: attributes ({@code run_name},
 *     {@code status}, {@code run_id}, {@code start_time}...), {@code tags.k}, {@code params.k},
 *     {@code metrics.k}, with {@code = != < <= > >= LIKE ILIKE}; anything else is refused with
 *     {@code INVALID_PARAMETER_VALUE}, never ignored. Runs are ordered by {@code order_by} (attributes,
 *     metrics, params, tags) and then, as in MLflow, by start time, newest first; experiments newest
 *     first; registered models by name; model versions by name, then version, highest first.</li>
 * <li>Downloading an artifact that does not exist answers 404 {@code RESOURCE_DOES_NOT_EXIST}.</li>
 * </ul>
 *
 * <h2>For tests</h2>
 * {@link #requests()} and {@link #requestCount(String, String)} tell how many REST calls a client
 * made; {@link #failNext(String, int, Fault)} fails the next requests to a path with a 5xx status, a
 * delay or a dropped connection, before or {@link Fault#afterApplying() after} the state change;
 * {@link #requireToken(String)} and {@link #requireBasicAuth(String, String)} make every request
 * but the health check need credentials (401 {@code UNAUTHENTICATED} without).
 *
 * <p>Paths given to {@link #requestCount(String, String)} and {@link #failNext(String, int, Fault)}
 * may be full ({@code /api/2.0/mlflow/runs/create}) or short: {@code runs/create} for
 * {@code /api/2.0/mlflow/runs/create}, {@code mlflow-artifacts/artifacts/x} for
 * {@code /api/2.0/mlflow-artifacts/artifacts/x}.
 *
 * <p>The server is thread-safe: requests run concurrently (a delayed request holds up no other)
 * and each sees the state changes of those before it.
 *
 * @since 0.1.0
 */
public final class MlflowTestServer implements AutoCloseable {
    /** The MLflow release whose REST API this server follows, also answered by {@code GET /version}. */
    public static final String MLFLOW_VERSION = "2.17.2";

    private static final Logger LOG = LoggerFactory.getLogger(MlflowTestServer.class);
    private static final int MAX_BODY_BYTES = 256 << 20;

    static {
        // Without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: ~40 ms a request.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** A fault waiting for requests to a path. */
    private static final class PendingFault {
        @Nullable final String pathPrefix;
        int remaining;
        final Fault fault;

        PendingFault(@Nullable String pathPrefix, int remaining, Fault fault) {
            this.pathPrefix = pathPrefix;
            this.remaining = remaining;
            this.fault = fault;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final MlflowApi api;
    private final Webhooks webhooks = new Webhooks();
    private final String trackingUri;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<PendingFault> faults = new ArrayList<>();
    private volatile @Nullable String authorization;
    private volatile String authScheme = "Bearer";
    private volatile boolean closed;

    private MlflowTestServer(Builder b) {
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mlflow-test-server");
            t.setDaemon(true);
            return t;
        });
        try {
            if (b.tls == null) {
                this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
            } else {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(b.host, b.port), 64);
                SSLContext tls = b.tls;
                boolean needClientAuth = b.needClientAuth;
                https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = tls.getDefaultSSLParameters();
                        parameters.setNeedClientAuth(needClientAuth);
                        params.setSSLParameters(parameters);
                    }
                });
                this.server = https;
            }
        } catch (IOException e) {
            executor.shutdownNow();
            throw new MlopsException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e, true);
        }
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        this.trackingUri = (b.tls == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + address.getPort();
        this.api = new MlflowApi(() -> trackingUri, b.registrationDelay, b.artifactRoot, webhooks::deliver);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.debug("MLflow test server listening on {}", trackingUri);
    }

    /**
     * Starts a server on a free loopback port with the default settings.
     *
     * <pre>{@code
     * try (MlflowTestServer mlflow = MlflowTestServer.start()) { ... mlflow.trackingUri() ... }
     * }</pre>
     *
     * @return the running server
     * @throws MlopsException if no port can be bound
     */
    public static MlflowTestServer start() {
        return builder().start();
    }

    /**
     * Configures a server before starting it.
     *
     * <pre>{@code
     * MlflowTestServer mlflow = MlflowTestServer.builder().registrationDelay(Duration.ofMillis(500)).start();
     * }</pre>
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The value for {@code MLFLOW_TRACKING_URI}.
     *
     * @return e.g. {@code http://127.0.0.1:41234}, without a trailing slash
     */
    public String trackingUri() {
        return trackingUri;
    }

    /**
     * The port the server listens on.
     *
     * @return the port, the one the system chose for port 0
     */
    public int port() {
        return server.getAddress().getPort();
    }

    // ----- requests -----

    /**
     * Every request received so far, in arrival order, including failed and refused ones.
     *
     * @return a snapshot
     */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * How many requests with a method were made to a path.
     *
     * <pre>{@code
     * assertThat(mlflow.requestCount("POST", "runs/log-batch")).isEqualTo(1);
     * }</pre>
     *
     * @param method the HTTP method, e.g. {@code GET}
     * @param path the path, full or short (see the class documentation)
     * @return the number of requests so far
     * @throws ValidationException if the method or path is blank
     */
    public int requestCount(String method, String path) {
        Checks.text("method", method, 16);
        String full = fullPath(path);
        synchronized (requests) {
            return (int) requests.stream().filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(full)).count();
        }
    }

    /** Forgets the requests received so far, so that counting starts again from zero. */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    // ----- faults -----

    /**
     * Fails the next requests whose path starts with a prefix. Faults queued for the same request
     * apply in the order they were queued, each for its number of requests.
     *
     * @param pathPrefix the path or its beginning, full or short (see the class documentation)
     * @param times how many requests to fail, 1 to 1,000,000
     * @param fault what to do to them
     * @throws ValidationException if an argument is missing or out of range
     */
    public void failNext(String pathPrefix, int times, Fault fault) {
        addFault(fullPath(pathPrefix), times, fault);
    }

    /**
     * Fails the next requests, whatever their path.
     *
     * @param times how many requests to fail, 1 to 1,000,000
     * @param fault what to do to them
     * @throws ValidationException if an argument is missing or out of range
     */
    public void failNext(int times, Fault fault) {
        addFault(null, times, fault);
    }

    private void addFault(@Nullable String prefix, int times, Fault fault) {
        Checks.inRange("times", times, 1, 1_000_000);
        Checks.notNull("fault", fault);
        synchronized (faults) {
            faults.add(new PendingFault(prefix, times, fault));
        }
    }

    /**
     * How many requests queued faults will still fail.
     *
     * @return the sum of the remaining counts
     */
    public int pendingFaults() {
        synchronized (faults) {
            return faults.stream().mapToInt(f -> f.remaining).sum();
        }
    }

    /** Drops the faults not yet used. */
    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    private @Nullable Fault takeFault(String path) {
        synchronized (faults) {
            for (Iterator<PendingFault> it = faults.iterator(); it.hasNext();) {
                PendingFault pending = it.next();
                if (pending.pathPrefix == null || path.startsWith(pending.pathPrefix)) {
                    if (--pending.remaining == 0) {
                        it.remove();
                    }
                    return pending.fault;
                }
            }
            return null;
        }
    }

    // ----- settings -----

    /**
     * Requires {@code Authorization: Bearer <token>} on every request but {@code /health}, as
     * {@code MLFLOW_TRACKING_TOKEN} sends it; others get 401 {@code UNAUTHENTICATED}.
     *
     * @param token the token
     * @throws ValidationException if the token is blank
     */
    public void requireToken(String token) {
        authorization = "Bearer " + Checks.text("token", token, 4096);
        authScheme = "Bearer";
    }

    /**
     * Requires HTTP basic authentication on every request but {@code /health}, as
     * {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD} send it; others get 401
     * {@code UNAUTHENTICATED}.
     *
     * @param username the user name, without a colon
     * @param password the password
     * @throws ValidationException if the user name is blank or holds a colon, or the password is missing
     */
    public void requireBasicAuth(String username, String password) {
        Checks.text("username", username, 256);
        if (username.contains(":")) {
            throw new ValidationException("username", "not contain ':'", username);
        }
        Checks.notNull("password", password);
        authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        authScheme = "Basic";
    }

    /** Accepts requests without credentials again (the default). */
    public void allowAnonymous() {
        authorization = null;
    }

    /**
     * Sets how long new model versions stay {@code PENDING_REGISTRATION}; versions made before keep
     * theirs.
     *
     * @param delay zero or more
     * @throws ValidationException if the delay is negative
     */
    public void registrationDelay(Duration delay) {
        api.registrationDelay(checkDelay(delay));
    }

    /**
     * Turns the multipart upload endpoints on (the default, as with a cloud artifact store) or off
     * (501 {@code NOT_IMPLEMENTED}, as with a local artifact store), for clients that fall back to a
     * plain upload.
     *
     * @param supported whether {@code mpu/create}, {@code mpu/complete} and {@code mpu/abort} work
     */
    public void multipartUploads(boolean supported) {
        api.multipartUploads(supported);
    }

    /**
     * Delivers registry changes to a URL as MLflow 3.3 and later deliver webhooks (SQL backends), in
     * the order they happen, on another thread than the request that made them: a POST of
     * {@code {"entity": ..., "action": ..., "timestamp": ..., "data": {...}}} with MLflow's payload
     * fields, the headers {@code X-MLflow-Delivery-Id}, {@code X-MLflow-Timestamp} and, given a secret,
     * {@code X-MLflow-Signature: v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">}. MLflow
     * 2.17 has no webhooks; this is what a test of a receiver needs from a newer server.
     *
     * @param url where to POST
     * @param secret the signing secret, or {@code null} to send unsigned
     * @param events e.g. {@code model_version.created}, {@code model_version_alias.created},
     *     {@code model_version_alias.deleted}, {@code model_version_tag.set},
     *     {@code model_version_tag.deleted}, {@code registered_model.created}
     * @throws ValidationException if no event is given
     */
    public void webhook(URI url, @Nullable String secret, String... events) {
        Checks.notNull("url", url);
        if (events == null || events.length == 0) {
            throw new ValidationException("events", "name at least one event", "none");
        }
        webhooks.add(url, secret, Set.of(events));
    }

    /**
     * The HTTP status of each webhook delivery so far, in the order they were sent; 0 where no answer came.
     *
     * @return the statuses
     */
    public List<Integer> webhookAnswers() {
        return webhooks.answers();
    }

    /**
     * The content of a stored artifact, for checking what a client uploaded.
     *
     * @param path the path below the artifact root, e.g. {@code 1/<run_id>/artifacts/model/MLmodel}
     * @return a copy of the bytes, or empty if no file has that path
     */
    public Optional<byte[]> artifact(String path) {
        return api.artifact(Checks.notNull("path", path));
    }

    // ----- HTTP -----

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            synchronized (requests) {
                requests.add(new RecordedRequest(method, path, query));
            }
            Fault fault = path.equals("/health") ? null : takeFault(path);
            if (fault != null && !fault.appliesAfterRequest() && !strike(exchange, fault)) {
                return;
            }
            MlflowApi.Reply reply = answer(exchange, method, path, query);
            if (fault != null && fault.appliesAfterRequest() && !strike(exchange, fault)) {
                return;
            }
            send(exchange, reply);
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.debug("MLflow test server request {} failed", exchange.getRequestURI(), e);
            }
        } finally {
            exchange.close();
        }
    }

    /** Applies a fault; tells whether the request should still be answered. */
    private boolean strike(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault.kind()) {
            case DELAY:
                try {
                    Thread.sleep(fault.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                return !closed;
            case SERVER_ERROR:
                send(exchange, MlflowApi.Reply.error(new MlflowError(MlflowError.codeForStatus(fault.status()),
                        fault.status(), "Injected fault: the server answered " + fault.status())));
                return false;
            default:
                // Closing an exchange whose headers were not sent closes the connection without an answer.
                return false;
        }
    }

    private MlflowApi.Reply answer(HttpExchange exchange, String method, String path, @Nullable String query)
            throws IOException {
        String expected = authorization;
        if (expected != null && !path.equals("/health")
                && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            MlflowApi.Reply refused = MlflowApi.Reply.error(new MlflowError("UNAUTHENTICATED",
                    "You are not authenticated. Please provide valid credentials (" + authScheme + ")."));
            Map<String, String> headers = new LinkedHashMap<>(refused.headers());
            headers.put("WWW-Authenticate", authScheme.equals("Basic") ? "Basic realm=\"mlflow\"" : "Bearer");
            return new MlflowApi.Reply(refused.status(), refused.contentType(), refused.body(), headers);
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            return MlflowApi.Reply.error(MlflowError.invalid("The request body is over " + MAX_BODY_BYTES + " bytes"));
        }
        MlflowApi.Request request = new MlflowApi.Request(method, path, query, queryParams(query),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        try {
            return api.handle(request);
        } catch (RuntimeException e) {
            LOG.warn("MLflow test server failed on {} {}", method, path, e);
            return MlflowApi.Reply.error(new MlflowError("INTERNAL_ERROR", "internal error: " + e));
        }
    }

    private static Map<String, List<String>> queryParams(@Nullable String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, MlflowApi.Reply reply) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        if (reply.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    static String fullPath(String path) {
        Checks.text("path", path, 2048);
        if (path.startsWith("/")) {
            return path;
        }
        return path.startsWith("mlflow-artifacts/") ? "/api/2.0/" + path : MlflowApi.API + path;
    }

    private static Duration checkDelay(Duration delay) {
        Checks.notNull("registrationDelay", delay);
        if (delay.isNegative()) {
            throw new ValidationException("registrationDelay", "be zero or positive", delay);
        }
        return delay;
    }

    /** Stops the server at once, dropping requests in flight (delayed ones included). Calling it again has no effect. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        webhooks.close();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MlflowTestServer[" + trackingUri + (closed ? ", closed" : "") + "]";
    }

    /**
     * Configures an {@link MlflowTestServer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Duration registrationDelay = Duration.ofMillis(50);
        private String artifactRoot = MlflowApi.PROXY_ROOT;
        private @Nullable SSLContext tls;
        private boolean needClientAuth;

        private Builder() {
        }

        /**
         * Serves HTTPS instead of HTTP, as a server behind a TLS-terminating proxy does.
         *
         * @param context the server's key and certificate, and for {@code needClientAuth} the client
         *     certificates it trusts
         * @param needClientAuth whether clients must present a certificate (mutual TLS)
         * @return this builder
         */
        public Builder tls(SSLContext context, boolean needClientAuth) {
            this.tls = Checks.notNull("server.tls", context);
            this.needClientAuth = needClientAuth;
            return this;
        }

        /**
         * Serves as {@code mlflow server --default-artifact-root <root> --no-serve-artifacts} does:
         * experiments get the artifact location {@code <root>/<id>}, which clients write to and read
         * from themselves, and the artifact proxy endpoints answer 503.
         *
         * @param root e.g. {@code s3://bucket/mlflow}; by default artifacts are proxied under
         *     {@code mlflow-artifacts:/}
         * @return this builder
         * @throws ValidationException if the root is blank or has no scheme
         */
        public Builder defaultArtifactRoot(String root) {
            Checks.text("server.defaultArtifactRoot", root, 500);
            if (!root.matches("^[a-z][a-z0-9+.-]*:.*")) {
                throw new ValidationException("server.defaultArtifactRoot", "be a URI with a scheme", root);
            }
            this.artifactRoot = root.replaceFirst("/+$", "");
            return this;
        }

        /**
         * Sets the interface to listen on.
         *
         * @param host default {@code 127.0.0.1}
         * @return this builder
         * @throws ValidationException if the host is blank
         */
        public Builder host(String host) {
            this.host = Checks.text("server.host", host, 255);
            return this;
        }

        /**
         * Sets the port.
         *
         * @param port 0 (default: any free port) to 65535
         * @return this builder
         * @throws ValidationException if the port is out of range
         */
        public Builder port(int port) {
            this.port = Checks.inRange("server.port", port, 0, 65_535);
            return this;
        }

        /**
         * Sets how long a new model version stays {@code PENDING_REGISTRATION} before it is
         * {@code READY}.
         *
         * @param delay default 50 ms; zero makes versions {@code READY} at once
         * @return this builder
         * @throws ValidationException if the delay is negative
         */
        public Builder registrationDelay(Duration delay) {
            this.registrationDelay = checkDelay(delay);
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws MlopsException if the port cannot be bound
         */
        public MlflowTestServer start() {
            return new MlflowTestServer(this);
        }
    }
}
