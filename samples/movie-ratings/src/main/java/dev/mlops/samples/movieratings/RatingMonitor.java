package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.FeatureDrift;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.monitor.Alerter;
import dev.mlops.core.monitor.LogAlertSink;
import dev.mlops.core.monitor.ModelMonitor;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.training.TrainedModel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stage 8: watches the served champion. The rated rows come back as live traffic — first as they
 * are, then with movies rated higher and far more popular than anything in training — and each
 * window of 200 requests is tested against the training rows' profile registered with the model.
 * The shifted window drifts: the monitor publishes the drift event and an alert goes out.
 */
final class RatingMonitor {
    static final int WINDOW = 200;
    static final float VOTE_SHIFT = 2.0f;
    static final float POPULARITY_FACTOR = 3.0f;

    /** The two windows' reports and the alerts sent. */
    record Watched(DriftReport calm, DriftReport shifted, List<Alert> alerts) {
    }

    private RatingMonitor() {
    }

    static Watched watch(MlopsPlatform mlops, ServingEndpoint<float[], Float> endpoint, Table rows, int version) {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        Alerter alerter = Alerter.builder().sink(LogAlertSink.create()).sink("report", alerts::add)
                .eventBus(mlops.eventBus()).meterRegistry(mlops.meterRegistry()).build();
        try (ModelMonitor monitor = ModelMonitor.builder(RatingModel.MODEL).features(RatingModel.FEATURES)
                .reference(TrainedModel.trainingProfile(mlops.registry(), mlops.registry().version(RatingModel.MODEL, version)))
                .windowSize(WINDOW).events(mlops.eventBus()).meters(mlops.meterRegistry()).alerter(alerter).build()) {
            ServingEndpoint<float[], Float> watched = monitor.watch(endpoint);
            Random random = new Random(42);
            send(watched, rows, random, 0, 1);
            monitor.flush();
            DriftReport calm = monitor.lastReport().orElseThrow();
            send(watched, rows, random, VOTE_SHIFT, POPULARITY_FACTOR);
            monitor.flush();
            return new Watched(calm, monitor.lastReport().orElseThrow(), List.copyOf(alerts));
        }
    }

    /** One window of requests drawn from the rated rows, vote average shifted and popularity scaled. */
    private static void send(ServingEndpoint<float[], Float> endpoint, Table rows, Random random, float voteShift,
            float popularityFactor) {
        int[] columns = new int[RatingModel.FEATURES.length];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = rows.schema().indexOf(RatingModel.FEATURES[c]);
        }
        for (int i = 0; i < WINDOW; i++) {
            int r = random.nextInt(rows.rowCount());
            float[] input = new float[columns.length];
            for (int c = 0; c < columns.length; c++) {
                input[c] = (float) rows.doubleAt(r, columns[c]);
            }
            input[0] += voteShift;
            input[1] *= popularityFactor;
            endpoint.submit(input, Duration.ofSeconds(5)).join();
        }
    }

    /** Prints a drift report: the verdict, then each feature's test and score. */
    static void report(PrintStream out, String label, String window, DriftReport report) {
        out.printf(Locale.ROOT, "  %-10s %s (%d requests): %s in %d of %d features%n", label, window,
                report.features().get(0).currentCount(), report.datasetDrift() ? "DRIFT" : "no drift", report.drifted().size(),
                report.features().size());
        for (FeatureDrift f : report.features()) {
            out.printf(Locale.ROOT, "               %-30s %-14s %s=%.4f %s%n", f.feature(), f.test(),
                    f.test().pValue() ? "p" : "d", f.score(), f.drifted() ? "drifted" : "");
        }
    }
}
