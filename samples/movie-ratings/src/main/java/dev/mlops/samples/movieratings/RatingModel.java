package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.InferenceServer;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.core.training.TrainingReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stage 3 with DJL: a small network that predicts the stars a user gives a movie from the
 * point-in-time training set (the movie's statistics, the user's rating statistics and the
 * on-demand taste gap), tracked, registered with its signature and promoted to {@code champion}
 * when its validation RMSE is good enough and beats the current champion's.
 */
final class RatingModel {
    static final String MODEL = "movie-star-rater";
    static final String[] FEATURES = {"movie_stats__vote_average", "movie_stats__popularity",
        "user_rating_stats__mean_stars", "taste_gap__gap"};
    /** The share of the traffic the challenger's canary gets, in percent. */
    static final double CANARY_PERCENT = 20;
    private static final Pattern MODEL_VERSION = Pattern.compile("\"model_version\":\"(\\d+)\"");
    static final PromotionPolicy POLICY = PromotionPolicy.builder()
            .metricAtMost("rmse", 1.0)
            .beatChampion("rmse", PromotionPolicy.Goal.MINIMIZE, 0.0)
            .build();

    /** What training did. */
    record Trained(int rows, TrainingReport report, int version, boolean champion) {
    }

    private RatingModel() {
    }

    /** The rows of the training set whose features are all known. */
    static Table known(Table trainingSet) {
        int[] columns = new int[FEATURES.length];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = trainingSet.schema().indexOf(FEATURES[c]);
        }
        return trainingSet.filter(r -> {
            for (int c : columns) {
                if (trainingSet.isNull(r, c)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Trains on the rows whose features are all known, reporting progress, registers the model and tries to promote it. */
    static Trained train(MlopsPlatform mlops, Table trainingSet, PrintStream out) {
        Table known = known(trainingSet);
        try (TrackingRun run = mlops.tracker().startRun("movie-ratings", "star-rater-mlp");
                TrainedModel model = TabularTrainer.builder().features(FEATURES).label("stars")
                        .hidden(16).epochs(150).batchSize(16).learningRate(0.01).patience(10).seed(7)
                        .progress(e -> {
                            if (e.epoch() % 10 == 0) {
                                out.printf(Locale.ROOT, "  progress   %s epoch %d of at most 150: validation loss %.3f%n",
                                        MODEL, e.epoch(), e.validationLoss());
                            }
                        })
                        .trackingRun(run).build().fit(known)) {
            ModelVersion version = model.register(mlops.registry(), MODEL, spec -> spec
                    .trackingRun(run.id()).feature("movie_stats").feature("user_rating_stats").feature("taste_gap")
                    .by("movie-ratings"));
            PromotionDecision decision = mlops.registry().promote(MODEL, version.version(), "champion", POLICY,
                    "movie-ratings");
            return new Trained(known.rowCount(), model.report(), version.version(), decision.promoted());
        }
    }

    /** What the application does with the endpoint while it still serves, once the loop has closed. */
    interface WhileServing {
        /**
         * Uses the endpoint.
         *
         * @param endpoint the endpoint, serving the champion
         * @param watched what monitoring saw
         */
        void accept(ServingEndpoint<float[], Float> endpoint, RatingMonitor.Watched watched);
    }

    /** What serving did: the loop's outcome (if it closed), what monitoring saw, and the canary. */
    record Served(RatingMonitor.Watched watched, Optional<ClosedLoop.Closed> loop, Canary canary) {
    }

    /** How the canary split the HTTP traffic between the champion and the challenger. */
    record Canary(int challenger, int requests, int users, int toChallenger, boolean sticky) {
    }

    /**
     * Serves the champion behind a batching endpoint, predicts the stars for one user and movie from
     * their online features, asks the same over HTTP (Open Inference Protocol v2), sends the rated
     * rows as monitored live traffic — whose drift closes the loop: retraining, promotion and a hot swap
     * of this endpoint — scrapes {@code /metrics}, puts a challenger on a canary over HTTP, and then
     * hands the endpoint to {@code whileServing}. Each stage is reported on {@code out} as it ends.
     */
    static Served serve(MlopsPlatform mlops, FeatureVector online, Table rated, int version, Supplier<String> scrape,
            PrintStream out, WhileServing whileServing) {
        float[] input = new float[FEATURES.length];
        for (int i = 0; i < input.length; i++) {
            Object value = online.values().get(FEATURES[i]).value();
            if (!(value instanceof Number)) {
                throw new IllegalStateException(FEATURES[i] + " is not available online: " + online.values().get(FEATURES[i]));
            }
            input[i] = ((Number) value).floatValue();
        }
        try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("star-rater")
                .registry(mlops.registry()).events(mlops.eventBus()).meters(mlops.meterRegistry())
                .model(MODEL).alias("champion").loader(TrainedModel.servingLoader())
                .workers(2).warmUp(input).build();
                InferenceServer http = InferenceServer.builder().rows(endpoint, FEATURES.length).metrics(scrape).build()) {
            Prediction<Float> p = endpoint.predict(input);
            out.printf(Locale.ROOT, "  serve      movie 1 for user 2: %.1f stars from %s version %d (%s), %.1f ms in the model%n",
                    p.value(), p.model(), p.version(), p.route().name().toLowerCase(Locale.ROOT),
                    p.computeTime().toNanos() / 1e6);
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.address().getPort();
            HttpResponse<String> response = infer(client, base, input, "sample", null);
            out.printf("  http       POST /v2/models/star-rater/infer -> %d %s%n", response.statusCode(), response.body());

            ClosedLoop loop = ClosedLoop.arm(mlops, known(rated));
            RatingMonitor.Watched watched = RatingMonitor.watch(mlops, endpoint, known(rated), version);
            RatingMonitor.report(out, "monitor", "window 1, the rated rows as live traffic", watched.calm());
            RatingMonitor.report(out, "drift", String.format(Locale.ROOT, "window 2, vote_average +%.0f and popularity x%.0f",
                    RatingMonitor.VOTE_SHIFT, RatingMonitor.POPULARITY_FACTOR), watched.shifted());
            for (Alert alert : watched.alerts()) {
                out.printf("  alert      %s %s %s: %s%n", alert.status(), alert.severity(), alert.key(), alert.text());
            }
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Optional<ClosedLoop.Closed> closed = loop.awaitSwap(endpoint, version, Duration.ofSeconds(120));
            closed.ifPresentOrElse(c -> out.printf(Locale.ROOT, "  loop       drift event -> retraining run %s -> %s version %d"
                    + " (validation rmse %.2f) -> champion -> star-rater swapped to version %d, %d ms after the drift event%n",
                    c.run(), MODEL, c.version(), c.rmse(), c.version(), c.millis()),
                    () -> out.println("  loop       the endpoint was not swapped within 120 s"));
            loop.disarm();
            Path scrapeFile = mlops.home().resolve("metrics.prom");
            Files.writeString(scrapeFile, metrics.body());
            out.printf("  scrape     GET /metrics -> %d, %d series (saved to %s)%n", metrics.statusCode(),
                    metrics.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count(),
                    mlops.home().relativize(scrapeFile));

            Canary canary = canary(mlops, endpoint, client, base, known(rated), input);
            out.printf(Locale.ROOT, "  canary     %s version %d (challenger) on %.0f%% of the traffic: %d HTTP requests from %d"
                    + " users, %d answered by the challenger and %d by the champion, %s; canary ended%n", MODEL,
                    canary.challenger(), CANARY_PERCENT, canary.requests(), canary.users(), canary.toChallenger(),
                    canary.requests() - canary.toChallenger(), canary.sticky() ? "each user on one route" : "users moved routes");
            whileServing.accept(endpoint, watched);
            return new Served(watched, closed, canary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trains a challenger with another network on the same rows, registers it with the alias
     * {@code challenger}, sends it {@value #CANARY_PERCENT}% of the HTTP traffic — each user, named
     * by the request's routing key, always on the same route — and ends the canary.
     */
    private static Canary canary(MlopsPlatform mlops, EmbeddedServingEndpoint<float[], Float> endpoint, HttpClient client,
            String base, Table known, float[] input) throws IOException, InterruptedException {
        int challenger;
        try (TrainedModel model = TabularTrainer.builder().features(FEATURES).label("stars")
                .hidden(32, 8).epochs(60).batchSize(16).learningRate(0.01).patience(10).seed(13).build().fit(known)) {
            challenger = model.register(mlops.registry(), MODEL, spec -> spec.description("challenger").by("movie-ratings"))
                    .version();
        }
        mlops.registry().setAlias(MODEL, "challenger", challenger, "movie-ratings");
        endpoint.canary(challenger, CANARY_PERCENT);
        try {
            int users = 50;
            int toChallenger = 0;
            boolean sticky = true;
            for (int user = 0; user < users; user++) {
                String first = null;
                for (int request = 0; request < 2; request++) {
                    String answeredBy = version(infer(client, base, input, "canary", "user-" + user).body());
                    sticky &= first == null || first.equals(answeredBy);
                    first = answeredBy;
                    toChallenger += answeredBy.equals(Integer.toString(challenger)) ? 1 : 0;
                }
            }
            return new Canary(challenger, 2 * users, users, toChallenger, sticky);
        } finally {
            endpoint.endCanary();
        }
    }

    private static HttpResponse<String> infer(HttpClient client, String base, float[] input, String id, String routingKey)
            throws IOException, InterruptedException {
        StringBuilder data = new StringBuilder();
        for (float v : input) {
            data.append(data.length() == 0 ? "" : ",").append(v);
        }
        String body = "{\"id\":\"" + id + "\"," + (routingKey == null ? "" : "\"parameters\":{\"routing_key\":\""
                + routingKey + "\"},") + "\"inputs\":[{\"name\":\"features\",\"shape\":[1," + input.length
                + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
        return client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/star-rater/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code model_version} of an inference answer. */
    private static String version(String answer) {
        Matcher m = MODEL_VERSION.matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no model_version in " + answer);
        }
        return m.group(1);
    }
}
