package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMonitorTest {
    private static final Schema TRAINING = Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
            Column.of("prediction", ColumnType.DOUBLE), Column.of("y", ColumnType.DOUBLE));

    private final InProcessEventBus bus = InProcessEventBus.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        bus.close();
    }

    /** A training set of 5,000 rows: a, b ~ N(0, 1), prediction = 2a − b, label y. */
    private static DatasetProfile reference() {
        Random random = new Random(1);
        Table.Builder rows = Table.builder(TRAINING);
        for (int i = 0; i < 5_000; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            rows.addRow(a, b, 2 * a - b, 2 * a - b + random.nextGaussian() * 0.1);
        }
        return DatasetProfile.of(rows.build());
    }

    /** The events published, once the bus has delivered them all. */
    private List<Event> delivered() {
        bus.close();
        return events;
    }

    private ModelMonitor.Builder monitor() {
        bus.subscribe("dev.mlops.monitor.**", events::add);
        Alerter alerter = Alerter.builder().sink(alerts::add).build();
        return ModelMonitor.builder("rater").features("a", "b").reference(reference()).windowSize(1_000).events(bus)
                .meters(meters).alerter(alerter);
    }

    private static void traffic(ModelMonitor monitor, int rows, double shiftA, Random random) {
        for (int i = 0; i < rows; i++) {
            float a = (float) (random.nextGaussian() + shiftA);
            float b = (float) random.nextGaussian();
            monitor.record(null, new float[] {a, b}, 2 * a - b);
        }
    }

    private double gauge(String name, String feature) {
        return meters.get(name).tags(MetricNames.TAG_MODEL, "rater", MetricNames.TAG_FEATURE, feature).gauge().value();
    }

    @Test
    void testsEachWindowAgainstTheTrainingProfileAndReportsDriftOnce() {
        Random random = new Random(2);
        try (ModelMonitor monitor = monitor().build()) {
            traffic(monitor, 1_000, 0, random);
            monitor.flush();
            DriftReport calm = monitor.lastReport().orElseThrow();
            assertThat(calm.features()).extracting(f -> f.feature()).containsExactly("a", "b", "prediction");
            assertThat(calm.datasetDrift()).isFalse();
            assertThat(gauge(MetricNames.MONITOR_DRIFT_SCORE, "a")).isEqualTo(calm.feature("a").orElseThrow().score());

            traffic(monitor, 2_000, 1.5, random);
            monitor.flush();
            DriftReport shifted = monitor.lastReport().orElseThrow();
            assertThat(shifted.datasetDrift()).isTrue();
            assertThat(shifted.drifted()).extracting(f -> f.feature()).containsExactly("a", "prediction");
            assertThat(meters.get(MetricNames.MONITOR_DRIFT_SHARE).gauge().value()).isCloseTo(2 / 3.0, within(1e-9));
            assertThat(meters.get(MetricNames.MONITOR_WINDOWS).counter().count()).isEqualTo(3);

            traffic(monitor, 1_000, 0, random);
            monitor.flush();
        }
        assertThat(delivered()).extracting(Event::type).containsExactly(EventTypes.MONITOR_DRIFT_DETECTED);
        assertThat(events.get(0).subject()).hasValue("rater");
        assertThat(events.get(0).data().get("features")).isEqualTo(List.of("a", "prediction"));
        assertThat(alerts).extracting(Alert::key, Alert::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("drift/rater", Alert.Status.FIRING),
                org.assertj.core.groups.Tuple.tuple("drift/rater", Alert.Status.RESOLVED));
        assertThat(meters.get(MetricNames.MONITOR_OBSERVATIONS).tag(MetricNames.TAG_OUTCOME, "sampled").counter().count())
                .isEqualTo(4_000);
    }

    @Test
    void joinsLateLabelsByIdAndFlagsAWindowOutsideTheReferenceBand() {
        Random random = new Random(3);
        try (ModelMonitor monitor = monitor().performanceWindow(200).referenceWindows(5).pendingCapacity(1_000).build()) {
            int id = 0;
            for (int w = 0; w < 6; w++) {
                double noise = w < 5 ? 0.5 : 2.0;
                for (int i = 0; i < 200; i++, id++) {
                    float a = (float) random.nextGaussian();
                    float b = (float) random.nextGaussian();
                    monitor.record("p" + id, new float[] {a, b}, 2 * a - b);
                    monitor.feedback("p" + id, 2 * a - b + random.nextGaussian() * noise);
                }
                monitor.flush();
                ModelMonitor.Performance p = monitor.lastPerformance().orElseThrow();
                assertThat(p.metric()).isEqualTo(ModelMonitor.Metric.RMSE);
                assertThat(p.labels()).isEqualTo(200);
                assertThat(p.value()).isCloseTo(noise, within(noise * 0.2));
                assertThat(p.degraded()).isEqualTo(w == 5);
            }
            monitor.feedback("never-predicted", 1.0);
            for (int i = 0; i < 1_001; i++) {
                monitor.record("q" + i, new float[] {0, 0}, 0);
            }
            monitor.feedback("q0", 0);
            monitor.flush();
            assertThat(meters.get(MetricNames.MONITOR_LABELS).tag(MetricNames.TAG_OUTCOME, "joined").counter().count())
                    .isEqualTo(1_200);
            assertThat(meters.get(MetricNames.MONITOR_LABELS).tag(MetricNames.TAG_OUTCOME, "late").counter().count()).isEqualTo(2);
            assertThat(meters.get(MetricNames.MONITOR_LABELS).tag(MetricNames.TAG_OUTCOME, "expired").counter().count()).isEqualTo(1);
        }
        assertThat(delivered()).filteredOn(e -> e.type().equals(EventTypes.MONITOR_PERFORMANCE_DEGRADED)).hasSize(1);
        assertThat(alerts).extracting(Alert::key).contains("performance/rater");
    }

    @Test
    void closesAWindowWhenItsTimeIsUp() throws Exception {
        AtomicLong now = new AtomicLong(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        try (ModelMonitor monitor = monitor().windowDuration(Duration.ofMinutes(1)).clock(clock).build()) {
            traffic(monitor, 100, 0, new Random(4));
            now.addAndGet(Duration.ofMinutes(2).toMillis());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (monitor.lastReport().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(monitor.lastReport()).hasValueSatisfying(r -> assertThat(r.features().get(0).currentCount()).isEqualTo(100));
        }
    }

    @Test
    void watchesARealEndpointWithTheRoutingKeyAsThePredictionId() throws Exception {
        Random random = new Random(5);
        Table.Builder rows = Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("y", ColumnType.DOUBLE)));
        for (int i = 0; i < 200; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            rows.addRow(a, b, 2 * a - b);
        }
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"));
                TrainedModel model = TabularTrainer.builder().features("a", "b").label("y").hidden(8).epochs(5).seed(3).build()
                        .fit(rows.build())) {
            ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
            try (ModelMonitor monitor = monitor().performanceWindow(10).performanceThreshold(5.0).build();
                    ServingEndpoint<float[], Float> endpoint = monitor.watch(EmbeddedServingEndpoint.<float[], Float>builder("rater")
                            .registry(mlops.registry()).model("rater").version(v.version()).loader(TrainedModel.servingLoader())
                            .workers(1).build())) {
                for (int i = 0; i < 10; i++) {
                    float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian()};
                    endpoint.submit(x, "u" + i, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                    monitor.feedback("u" + i, 2 * x[0] - x[1]);
                }
                endpoint.predict(new float[] {0, 0});
                monitor.flush();
                assertThat(monitor.lastReport().orElseThrow().features().get(0).currentCount()).isEqualTo(11);
                assertThat(monitor.lastPerformance().orElseThrow()).satisfies(p -> {
                    assertThat(p.labels()).isEqualTo(10);
                    assertThat(p.upper()).isEqualTo(5.0);
                    assertThat(p.degraded()).isFalse();
                });
            }
            SimpleMeterRegistry narrow = new SimpleMeterRegistry();
            try (ModelMonitor wrongWidth = ModelMonitor.builder("rater").features("a").reference(reference()).meters(narrow).build();
                    ServingEndpoint<float[], Float> endpoint = wrongWidth.watch(EmbeddedServingEndpoint.<float[], Float>builder(
                            "narrow").registry(mlops.registry()).model("rater").version(v.version())
                            .loader(TrainedModel.servingLoader()).workers(1).build())) {
                assertThat(endpoint.submit(new float[] {1, 2}, "k", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).version())
                        .as("a monitor that cannot record never fails the request").isEqualTo(v.version());
                assertThat(narrow.get(MetricNames.MONITOR_OBSERVATIONS).tag(MetricNames.TAG_OUTCOME, "dropped").counter().count())
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void refusesWhatItCannotMonitorAndRecordsNothing() {
        DatasetProfile reference = reference();
        assertThatThrownBy(() -> ModelMonitor.builder("rater").reference(reference).build()).isInstanceOf(ValidationException.class)
                .hasMessage("monitor.features must name the model's inputs in order, was null");
        assertThatThrownBy(() -> ModelMonitor.builder("rater").features("a", "zz").reference(reference).build())
                .hasMessage("monitor.reference must profile the numeric feature zz, was '[a, b, prediction, y]'");
        assertThatThrownBy(() -> ModelMonitor.builder("rater").features("a").reference(reference).sampleRate(0).build())
                .hasMessage("monitor.sampleRate must be in (0, 1], was '0.0'");
        assertThatThrownBy(() -> ModelMonitor.builder("rater").features("a").reference(reference)
                .metric(ModelMonitor.Metric.AUC).build()).hasMessage("monitor.metric must suit the task REGRESSION, was 'AUC'");
        try (ModelMonitor monitor = ModelMonitor.builder("rater").features("a", "b").reference(reference).meters(meters).build()) {
            assertThatThrownBy(() -> monitor.record("x", new float[] {1}, 0)).hasMessage("features must hold 2 values [a, b],"
                    + " was '1 values'");
            assertThatThrownBy(() -> monitor.feedback("x", Double.NaN)).hasMessage("label of x must be a finite number, was 'NaN'");
            monitor.flush();
            assertThat(monitor.lastReport()).isEmpty();
        }
    }
}
