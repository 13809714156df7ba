package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.pipeline.Triggers;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stage 9, the loop that closes itself: a drift event about the star rater starts the retraining
 * pipeline, the new version is promoted to {@code champion} through a quality gate, and the serving
 * endpoint bound to {@code champion} hot-swaps to it — all through the platform's event bus (the
 * in-process bus, or Kafka when the sample is given bootstrap servers). Nothing here calls the next
 * stage: each one only reacts to the event the one before published.
 */
final class ClosedLoop {
    /** A retrained model is promoted when it meets the quality bar; it need not beat the drifted champion. */
    static final PromotionPolicy RETRAINED = PromotionPolicy.builder().metricAtMost("rmse", 1.0).build();

    /** What the loop did: the retraining run, the version it registered, and the time from the drift event to the swap event. */
    record Closed(String run, int version, double rmse, long millis) {
    }

    private final List<Triggers.Registration> triggers = new ArrayList<>();
    private volatile String retrainRun;
    private volatile double retrainedRmse = Double.NaN;
    private volatile long driftAt;
    private volatile long swappedAt;

    private ClosedLoop() {
    }

    /** Registers the two triggers: drift → retrain, new version → promotion. */
    static ClosedLoop arm(MlopsPlatform mlops, Table known) {
        ClosedLoop loop = new ClosedLoop();
        mlops.eventBus().subscribe(EventTypes.MONITOR_DRIFT_DETECTED, e -> loop.driftAt = System.nanoTime());
        mlops.eventBus().subscribe(EventTypes.SERVING_MODEL_SWAPPED, e -> loop.swappedAt = System.nanoTime());
        Pipeline.Builder p = Pipeline.builder("retrain-star-rater");
        Param<String> model = p.param("model", String.class).required();
        p.step("train-and-register", ctx -> {
            loop.retrainRun = ctx.runId();
            try (TrackingRun run = mlops.tracker().startRun("movie-ratings", "star-rater-retrain");
                    TrainedModel retrained = TabularTrainer.builder().features(RatingModel.FEATURES).label("stars")
                            .hidden(32).epochs(200).batchSize(16).learningRate(0.01).patience(15).seed(11)
                            .trackingRun(run).build().fit(known)) {
                loop.retrainedRmse = retrained.report().metrics().get("rmse");
                ModelVersion version = retrained.register(mlops.registry(), ctx.param(model), spec -> spec
                        .trackingRun(run.id()).feature("movie_stats").feature("user_rating_stats").feature("taste_gap")
                        .description("retrained on drift").by("retrain-star-rater"));
                return version.version();
            }
        });
        loop.triggers.add(mlops.triggers().register(Triggers.retrainOnDrift(RatingModel.MODEL, p.build())));
        loop.triggers.add(mlops.triggers().register(Triggers.promoteOnNewVersion(RatingModel.MODEL, "champion", RETRAINED)));
        return loop;
    }

    /** Ends the two triggers, so that versions registered from now on are not promoted by the loop. */
    void disarm() {
        triggers.forEach(Triggers.Registration::close);
    }

    /** Waits until the endpoint serves another version than the one it started with, and its swap event arrived. */
    Optional<Closed> awaitSwap(EmbeddedServingEndpoint<float[], Float> endpoint, int before, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (endpoint.version() == before || swappedAt == 0 || driftAt == 0) {
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
        return Optional.of(new Closed(retrainRun, endpoint.version(), retrainedRmse, (swappedAt - driftAt) / 1_000_000));
    }
}
