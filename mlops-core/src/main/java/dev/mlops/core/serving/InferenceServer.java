package dev.mlops.core.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol (v2) REST API that KServe and Triton clients speak, on the JDK's
 * built-in HTTP server, in front of serving endpoints whose input is one row of feature values
 * ({@code float[]}) and whose output is one number: {@code GET /v2/health/live},
 * {@code GET /v2/health/ready}, {@code GET /v2/models/{name}[/versions/{v}]} (metadata),
 * {@code GET /v2/models/{name}/ready}, {@code POST /v2/models/{name}[/versions/{v}]/infer} with an
 * tensor of shape {@code [rows, features]} in any numeric datatype of the protocol ({@code FP32},
 * {@code FP64}, {@code INT64}, {@code BOOL}...) and an optional {@code parameters.routing_key}
 * that keeps a caller on one route while a canary runs, and {@code GET /metrics} when a scrape
 * function is set. Errors are JSON ({@code {"error": "..."}}) with 400 for bad input, 401 without
 * the bearer token, 404 for an unknown model or version, 413 for a body over the limit, 429 when
 * the endpoint's queue is full, 503 when it is not ready, 504 when the deadline passed; never a
 * stack trace.
 *
 * <pre>{@code
 * try (InferenceServer http = InferenceServer.builder().port(8080)
 *         .rows(rater, 4)                                   // an endpoint of float[] rows, 4 features
 *         .bearerToken(System.getenv("INFERENCE_TOKEN"))
 *         .metrics(prometheusRegistry::scrape)
 *         .build()) {
 *     http.address();   // curl -d '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[7.1,40.2,3.5,-0.05]}]}'
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
    private static final JsonCodec JSON = JsonCodec.create();

    static {
        // Without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: ~40 ms a request.
        // The server reads the property once per JVM, when the first HttpServer starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Rows> models;
    private final int maxRequestBytes;
    private final Duration deadline;
    private final @Nullable String token;
    private final @Nullable Supplier<String> metrics;
    private final Duration grace;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean accepting = true;

    /** An endpoint of rows with its feature count. */
    private record Rows(ServingEndpoint<float[], Float> endpoint, int features) {
    }

    private InferenceServer(Builder b) {
        if (b.models.isEmpty()) {
            throw new ValidationException("server.models", "hold at least one endpoint", "none");
        }
        this.models = Map.copyOf(b.models);
        this.maxRequestBytes = b.maxRequestBytes;
        this.deadline = b.deadline;
        this.token = b.token;
        this.metrics = b.metrics;
        this.grace = b.grace;
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "mlops-inference-http");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 128);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new MlopsException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e, true);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Inference server listening on {} for {}", address(), models.keySet());
    }

    /**
     * Starts a server.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Where the server listens.
     *
     * @return the address, with the port the system chose for port 0
     */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            if (!accepting) {
                send(exchange, 503, error("the server is shutting down"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (token != null && !("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    && !path.startsWith("/v2/health/")) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                send(exchange, 401, error("a bearer token is required"));
                return;
            }
            route(exchange, method, path);
        } catch (RuntimeException e) {
            LOG.warn("Inference request {} failed", exchange.getRequestURI(), e);
            send(exchange, 500, error("internal error"));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        String[] parts = path.split("/");
        if (path.equals("/v2/health/live") && method.equals("GET")) {
            send(exchange, 200, Map.of("live", true));
        } else if (path.equals("/v2/health/ready") && method.equals("GET")) {
            send(exchange, accepting ? 200 : 503, Map.of("ready", accepting));
        } else if (path.equals("/metrics") && method.equals("GET") && metrics != null) {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } else if (parts.length >= 4 && parts[1].equals("v2") && parts[2].equals("models")) {
            model(exchange, method, parts);
        } else {
            send(exchange, 404, error("no such resource: " + method + " " + path));
        }
    }

    private void model(HttpExchange exchange, String method, String[] parts) throws IOException {
        Rows rows = models.get(parts[3]);
        if (rows == null) {
            send(exchange, 404, error("unknown model '" + parts[3] + "'"));
            return;
        }
        int i = 4;
        Integer version = null;
        if (parts.length > i + 1 && parts[i].equals("versions")) {
            try {
                version = Integer.parseInt(parts[i + 1]);
            } catch (NumberFormatException e) {
                send(exchange, 404, error("unknown version '" + parts[i + 1] + "'"));
                return;
            }
            i += 2;
        }
        int serving;
        try {
            serving = rows.endpoint().version();
        } catch (RuntimeException e) {
            send(exchange, 503, error("model '" + parts[3] + "' is not ready"));
            return;
        }
        if (version != null && version != serving) {
            send(exchange, 404, error("version " + version + " of '" + parts[3] + "' is not served (serving " + serving + ")"));
            return;
        }
        String rest = parts.length > i ? parts[i] : "";
        if (parts.length > i + 1) {
            send(exchange, 404, error("no such resource"));
        } else if (rest.isEmpty() && method.equals("GET")) {
            send(exchange, 200, metadata(parts[3], serving, rows));
        } else if (rest.equals("ready") && method.equals("GET")) {
            send(exchange, 200, Map.of("name", parts[3], "ready", true));
        } else if (rest.equals("infer") && method.equals("POST")) {
            infer(exchange, parts[3], serving, rows);
        } else {
            send(exchange, 405, error("method " + method + " not allowed here"));
        }
    }

    private static Map<String, Object> tensor(String name, List<Integer> shape) {
        Map<String, Object> tensor = new LinkedHashMap<>();
        tensor.put("name", name);
        tensor.put("datatype", "FP32");
        tensor.put("shape", shape);
        return tensor;
    }

    private static Map<String, Object> metadata(String name, int version, Rows rows) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("versions", List.of(Integer.toString(version)));
        body.put("platform", "djl_pytorch");
        body.put("inputs", List.of(tensor("features", List.of(-1, rows.features()))));
        body.put("outputs", List.of(tensor("prediction", List.of(-1))));
        return body;
    }

    private void infer(HttpExchange exchange, String name, int version, Rows rows) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxRequestBytes + 1);
        }
        if (body.length > maxRequestBytes) {
            send(exchange, 413, error("the body is over " + maxRequestBytes + " bytes"));
            return;
        }
        List<float[]> inputs;
        Object id;
        String routingKey;
        try {
            Map<?, ?> request = JSON.read(body, Map.class);
            id = request.get("id");
            routingKey = routingKey(request);
            inputs = decode(request, rows.features());
        } catch (ValidationException e) {
            send(exchange, 400, error(e.getMessage()));
            return;
        }
        List<CompletableFuture<Prediction<Float>>> answers = new ArrayList<>(inputs.size());
        for (float[] input : inputs) {
            answers.add(rows.endpoint().submit(input, routingKey, deadline));
        }
        List<Float> values = new ArrayList<>(inputs.size());
        int answeredBy = version;
        for (CompletableFuture<Prediction<Float>> answer : answers) {
            try {
                Prediction<Float> p = answer.get(deadline.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
                values.add(p.value());
                answeredBy = p.version();
            } catch (java.util.concurrent.ExecutionException | CompletionException e) {
                Throwable cause = e.getCause();
                int status = cause instanceof ValidationException ? 400 : cause instanceof OverloadedException ? 429
                        : cause instanceof OperationTimeoutException ? 504 : cause instanceof ConflictException ? 503 : 500;
                send(exchange, status, error(status == 500 ? "the model failed" : cause.getMessage()));
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                send(exchange, 504, error("no answer within " + deadline));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(exchange, 503, error("the server is shutting down"));
                return;
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("model_name", name);
        response.put("model_version", Integer.toString(answeredBy));
        if (id != null) {
            response.put("id", id);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("name", "prediction");
        output.put("datatype", "FP32");
        output.put("shape", List.of(values.size()));
        output.put("data", values);
        response.put("outputs", List.of(output));
        send(exchange, 200, response);
    }

    /**
     * The request's {@code parameters.routing_key}: requests with the same key take the same route
     * while a canary runs, as an A/B test needs; without one they are split at random.
     */
    private static @Nullable String routingKey(Map<?, ?> request) {
        if (!(request.get("parameters") instanceof Map<?, ?> parameters) || parameters.get("routing_key") == null) {
            return null;
        }
        if (!(parameters.get("routing_key") instanceof String key) || key.isBlank() || key.length() > 256) {
            throw new ValidationException("parameters.routing_key", "be a string of 1 to 256 characters",
                    parameters.get("routing_key"));
        }
        return key;
    }

    /**
     * Reads the one input tensor: shape {@code [rows, features]} (or {@code [features]} for one row),
     * data flat or nested by row, any numeric datatype of the protocol — {@code BOOL} as 0 and 1,
     * integer types only with whole numbers in their range, {@code FP16}, {@code FP32} and {@code FP64}
     * as given.
     */
    static List<float[]> decode(Map<?, ?> request, int features) {
        if (!(request.get("inputs") instanceof List<?> tensors) || tensors.size() != 1
                || !(tensors.get(0) instanceof Map<?, ?> tensor)) {
            throw new ValidationException("inputs", "hold one tensor", request.get("inputs"));
        }
        if (!(tensor.get("datatype") instanceof String datatype) || !NUMERIC.containsKey(datatype)) {
            throw new ValidationException("inputs[0].datatype", "be one of " + NUMERIC.keySet(), tensor.get("datatype"));
        }
        int rowCount = rowsOf(tensor.get("shape"), features);
        List<Object> data = new ArrayList<>();
        flatten(tensor.get("data"), data, 0);
        if (data.size() != rowCount * features) {
            throw new ValidationException("inputs[0].data", "hold " + rowCount * features + " values for shape "
                    + tensor.get("shape"), data.size() + " values");
        }
        double[] range = NUMERIC.get(datatype);
        List<float[]> rows = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            float[] row = new float[features];
            for (int c = 0; c < features; c++) {
                Object v = data.get(r * features + c);
                row[c] = value(datatype, range, v, "inputs[0].data[" + (r * features + c) + "]");
            }
            rows.add(row);
        }
        return rows;
    }

    /** The protocol's numeric datatypes, each with the range [low, high) of its values. */
    private static final Map<String, double[]> NUMERIC = numeric();

    private static Map<String, double[]> numeric() {
        double inf = Double.POSITIVE_INFINITY;
        Map<String, double[]> types = new LinkedHashMap<>();
        types.put("BOOL", new double[] {0, 2});
        types.put("UINT8", new double[] {0, 0x1p8});
        types.put("UINT16", new double[] {0, 0x1p16});
        types.put("UINT32", new double[] {0, 0x1p32});
        types.put("UINT64", new double[] {0, 0x1p64});
        types.put("INT8", new double[] {-0x1p7, 0x1p7});
        types.put("INT16", new double[] {-0x1p15, 0x1p15});
        types.put("INT32", new double[] {-0x1p31, 0x1p31});
        types.put("INT64", new double[] {-0x1p63, 0x1p63});
        types.put("FP16", new double[] {-inf, inf});
        types.put("FP32", new double[] {-inf, inf});
        types.put("FP64", new double[] {-inf, inf});
        return java.util.Collections.unmodifiableMap(types);
    }

    private static int rowsOf(@Nullable Object shape, int features) {
        if (shape instanceof List<?> dims && dims.size() == 1 && dims.get(0) instanceof Integer width && width == features) {
            return 1;
        }
        if (!(shape instanceof List<?> dims) || dims.size() != 2 || !(dims.get(0) instanceof Integer rowCount)
                || !(dims.get(1) instanceof Integer width) || rowCount < 1 || rowCount > 100_000 || width != features) {
            throw new ValidationException("inputs[0].shape", "be [rows, " + features + "] with 1 to 100000 rows, or ["
                    + features + "] for one row", shape);
        }
        return rowCount;
    }

    private static float value(String datatype, double[] range, @Nullable Object v, String field) {
        if (datatype.equals("BOOL")) {
            if (!(v instanceof Boolean b)) {
                throw new ValidationException(field, "be true or false for BOOL", v);
            }
            return b ? 1 : 0;
        }
        if (!(v instanceof Number number)) {
            throw new ValidationException(field, "be a number", v);
        }
        double d = number.doubleValue();
        if (datatype.contains("INT") && (d != Math.rint(d) || d < range[0] || d >= range[1])) {
            throw new ValidationException(field, "be a whole number in the range of " + datatype, v);
        }
        return (float) d;
    }

    private static void flatten(@Nullable Object value, List<Object> into, int depth) {
        if (value instanceof List<?> list && depth < 2) {
            for (Object item : list) {
                flatten(item, into, depth + 1);
            }
        } else if (depth == 0) {
            throw new ValidationException("inputs[0].data", "be an array of numbers", value);
        } else {
            into.add(value);
        }
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.write(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Stops taking requests (new ones get 503), waits up to the grace period for those in flight,
     * and stops. The endpoints stay the caller's.
     */
    @Override
    public void close() {
        if (!accepting) {
            return;
        }
        accepting = false;
        long until = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Builds an {@link InferenceServer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private final Map<String, Rows> models = new LinkedHashMap<>();
        private int maxRequestBytes = 4 << 20;
        private Duration deadline = Duration.ofSeconds(1);
        private @Nullable String token;
        private @Nullable Supplier<String> metrics;
        private Duration grace = Duration.ofSeconds(10);
        private int threads = 16;

        private Builder() {
        }

        /**
         * Sets the interface to listen on.
         *
         * @param host default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface
         * @return this builder
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
         */
        public Builder port(int port) {
            this.port = Checks.inRange("server.port", port, 0, 65_535);
            return this;
        }

        /**
         * Serves an endpoint whose input is one row of feature values, under the endpoint's name.
         *
         * @param endpoint the endpoint, which stays the caller's to close
         * @param features the number of values per row
         * @return this builder
         */
        public Builder rows(ServingEndpoint<float[], Float> endpoint, int features) {
            Checks.notNull("server.endpoint", endpoint);
            models.put(endpoint.name(), new Rows(endpoint, Checks.inRange("server.features", features, 1, 1 << 20)));
            return this;
        }

        /**
         * Sets the largest request body.
         *
         * @param bytes default 4 MiB
         * @return this builder
         */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = Checks.inRange("server.maxRequestBytes", bytes, 64, 1 << 30);
            return this;
        }

        /**
         * Sets each request's deadline.
         *
         * @param deadline default 1 s
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = Checks.positive("server.deadline", deadline);
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <token>} on everything but the health checks.
         *
         * @param token the token; never logged
         * @return this builder
         */
        public Builder bearerToken(String token) {
            this.token = Checks.text("server.bearerToken", token, 4096);
            return this;
        }

        /**
         * Serves {@code GET /metrics} in the Prometheus text format.
         *
         * @param scrape e.g. {@code prometheusRegistry::scrape}
         * @return this builder
         */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = Checks.notNull("server.metrics", scrape);
            return this;
        }

        /**
         * Sets how long {@link #close()} waits for requests in flight.
         *
         * @param grace default 10 s
         * @return this builder
         */
        public Builder gracePeriod(Duration grace) {
            this.grace = Checks.notNull("server.gracePeriod", grace);
            return this;
        }

        /**
         * Starts listening.
         *
         * @return the running server
         * @throws ValidationException if no endpoint was added
         * @throws MlopsException if the port cannot be bound
         */
        public InferenceServer build() {
            return new InferenceServer(this);
        }
    }
}
