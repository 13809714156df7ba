package dev.mlops.samples.movieratings;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.FeatureDrift;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sample's web page: pick a user and a movie, and see the stars the served model predicts from
 * their online features, which model version and route answered, and the drift status the monitor
 * reported. Plain HTML and JavaScript from the class path ({@code web/}), and three JSON calls:
 * {@code GET api/options}, {@code GET api/predict?user=&movie=} and {@code GET api/drift}; and the
 * platform's Prometheus scrape at {@code GET /metrics}.
 */
final class RatingsWebPage implements AutoCloseable {
    private static final JsonCodec JSON = JsonCodec.create();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "ratings-web-page");
        t.setDaemon(true);
        return t;
    });
    private final FeatureStore features;
    private final MovieFeatures views;
    private final Table movies;
    private final ServingEndpoint<float[], Float> endpoint;
    private final DriftReport drift;
    private final Supplier<String> scrape;

    private RatingsWebPage(int port, FeatureStore features, MovieFeatures views, Table movies,
            ServingEndpoint<float[], Float> endpoint, DriftReport drift, Supplier<String> scrape) throws IOException {
        this.features = features;
        this.views = views;
        this.movies = movies;
        this.endpoint = endpoint;
        this.drift = drift;
        this.scrape = scrape;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Serves the page on loopback.
     *
     * @param port the port, 0 for any free one
     * @param features the feature store whose online rows the predictions read
     * @param views the sample's feature definitions
     * @param movies the catalogue rows that passed validation (id, title, ...)
     * @param endpoint the endpoint serving the champion
     * @param drift the monitor's latest report
     * @param scrape the platform's Prometheus scrape, served at {@code /metrics}
     * @return the running page
     */
    static RatingsWebPage start(int port, FeatureStore features, MovieFeatures views, Table movies,
            ServingEndpoint<float[], Float> endpoint, DriftReport drift, Supplier<String> scrape) {
        try {
            return new RatingsWebPage(port, features, views, movies, endpoint, drift, scrape);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the web page on port " + port, e);
        }
    }

    /** Where the page is. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "application/json", JSON.write(Map.of("error", "only GET is served")));
            } else if (path.equals("/") || path.equals("/index.html")) {
                send(exchange, 200, "text/html; charset=utf-8", resource("web/index.html"));
            } else if (path.equals("/app.js")) {
                send(exchange, 200, "text/javascript; charset=utf-8", resource("web/app.js"));
            } else if (path.equals("/api/options")) {
                send(exchange, 200, "application/json", JSON.write(options()));
            } else if (path.equals("/api/drift")) {
                send(exchange, 200, "application/json", JSON.write(drift()));
            } else if (path.equals("/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/predict")) {
                predict(exchange);
            } else {
                send(exchange, 404, "application/json", JSON.write(Map.of("error", "no such page: " + path)));
            }
        } finally {
            exchange.close();
        }
    }

    private Map<String, Object> options() {
        List<Map<String, Object>> users = new ArrayList<>();
        for (long user = 1; user <= 4; user++) {
            users.add(Map.of("id", user));
        }
        List<Map<String, Object>> catalogue = new ArrayList<>();
        int id = movies.schema().indexOf("id");
        int title = movies.schema().indexOf("title");
        for (int r = 0; r < movies.rowCount(); r++) {
            catalogue.add(Map.of("id", movies.longAt(r, id), "title", movies.stringAt(r, title)));
        }
        return Map.of("users", users, "movies", catalogue);
    }

    private Map<String, Object> drift() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("drift", drift.datasetDrift());
        status.put("drifted", drift.drifted().stream().map(FeatureDrift::feature).toList());
        status.put("features", drift.features().size());
        status.put("servingVersion", endpoint.version());
        return status;
    }

    private void predict(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        long user;
        long movie;
        try {
            user = Long.parseLong(query.getOrDefault("user", ""));
            movie = Long.parseLong(query.getOrDefault("movie", ""));
        } catch (NumberFormatException e) {
            send(exchange, 400, "application/json", JSON.write(Map.of("error", "user and movie must be numbers, were '"
                    + query.get("user") + "' and '" + query.get("movie") + "'")));
            return;
        }
        FeatureVector online = features.onlineFeatures(List.of(Map.of("id", movie, "user_id", user)), views.service).get(0);
        float[] input = new float[RatingModel.FEATURES.length];
        for (int i = 0; i < input.length; i++) {
            FeatureValue value = online.values().get(RatingModel.FEATURES[i]);
            if (!(value.value() instanceof Number number)) {
                send(exchange, 422, "application/json", JSON.write(Map.of("error", "no " + RatingModel.FEATURES[i]
                        + " online for user " + user + " and movie " + movie + " (" + value.status() + ")")));
                return;
            }
            input[i] = number.floatValue();
        }
        Prediction<Float> p = endpoint.predict(input);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stars", p.value());
        answer.put("model", p.model());
        answer.put("version", p.version());
        answer.put("route", p.route().name().toLowerCase(Locale.ROOT));
        answer.put("computeMillis", p.computeTime().toNanos() / 1e6);
        send(exchange, 200, "application/json", JSON.write(answer));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RatingsWebPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
