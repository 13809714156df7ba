package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

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

    /** Trains on the rows whose features are all known, registers the model and tries to promote it. */
    static Trained train(MlopsPlatform mlops, Table trainingSet) {
        Table known = known(trainingSet);
        try (TrackingRun run = mlops.tracker().startRun("movie-ratings", "star-rater-mlp");
                TrainedModel model = TabularTrainer.builder().features(FEATURES).label("stars")
                        .hidden(16).epochs(150).batchSize(16).learningRate(0.01).patience(10).seed(7)
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

    /** What serving answered — in-process and over the Open Inference Protocol — what monitoring saw, and the scrape. */
    record Served(Prediction<Float> prediction, int httpStatus, String httpBody, RatingMonitor.Watched watched,
            Optional<ClosedLoop.Closed> loop, int metricsStatus, String metrics) {
    }

    /**
     * Serves the champion behind a batching endpoint, predicts the stars for one user and movie from
     * their online features, asks the same over HTTP (Open Inference Protocol v2), sends the rated
     * rows as monitored live traffic — whose drift closes the loop: retraining, promotion and a hot swap
     * of this endpoint — scrapes {@code /metrics}, and then hands the endpoint to {@code whileServing}.
     */
    static Served serve(MlopsPlatform mlops, FeatureVector online, Table rated, int version, Supplier<String> scrape,
            WhileServing whileServing) {
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
            Prediction<Float> prediction = endpoint.predict(input);
            StringBuilder data = new StringBuilder();
            for (float v : input) {
                data.append(data.length() == 0 ? "" : ",").append(v);
            }
            String body = "{\"id\":\"sample\",\"inputs\":[{\"name\":\"features\",\"shape\":[1," + input.length
                    + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.address().getPort();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/star-rater/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            ClosedLoop loop = ClosedLoop.arm(mlops, known(rated));
            RatingMonitor.Watched watched = RatingMonitor.watch(mlops, endpoint, known(rated), version);
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Optional<ClosedLoop.Closed> closed = loop.awaitSwap(endpoint, version, Duration.ofSeconds(120));
            whileServing.accept(endpoint, watched);
            return new Served(prediction, response.statusCode(), response.body(), watched, closed, metrics.statusCode(),
                    metrics.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
