package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.FeatureDrift;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.training.EvaluationMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a model in production: samples the inputs and outputs of its predictions into windows
 * (by count, and optionally by time), compares each closed window with the reference profile of the
 * training data, publishes the drift scores as Micrometer gauges and emits
 * {@link EventTypes#MONITOR_DRIFT_DETECTED} when the dataset drifts. Labels that arrive later are
 * joined to their predictions by id ({@link #feedback}); each window of labelled predictions gets its
 * performance metric (RMSE or MAE for regression, accuracy or AUC for classification), and a window
 * outside a fixed threshold or — by default, as NannyML does — outside the mean ± 3 standard
 * deviations of the first reference windows emits {@link EventTypes#MONITOR_PERFORMANCE_DEGRADED}.
 *
 * <p>The serving path only samples and queues an observation (a bounded queue: when it is full the
 * observation is dropped and counted); profiling, joining and testing run on the monitor's thread.
 *
 * <pre>{@code
 * ModelMonitor monitor = ModelMonitor.builder("movie-star-rater")
 *         .features("avg_rating", "rating_count", "user_avg", "user_bias")
 *         .reference(trainingProfile)                  // DatasetProfile of the training set
 *         .windowSize(1_000).sampleRate(0.5)
 *         .events(mlops.eventBus()).meters(mlops.meterRegistry())
 *         .build();
 * ServingEndpoint<float[], Float> watched = monitor.watch(endpoint);
 * watched.submit(row, "user-42/movie-7", deadline);      // the routing key is the prediction id
 * monitor.feedback("user-42/movie-7", 4.0);              // the label, when it arrives
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ModelMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelMonitor.class);

    /** What the model predicts, which decides the performance metric. */
    public enum Task {
        /** A number; RMSE by default, or MAE. */
        REGRESSION,
        /** The probability of the positive class; AUC by default, or accuracy at 0.5. */
        BINARY_CLASSIFICATION
    }

    /** The metric computed on each window of labelled predictions. */
    public enum Metric {
        /** Root mean squared error; higher is worse. */
        RMSE(false),
        /** Mean absolute error; higher is worse. */
        MAE(false),
        /** Share of correct answers at 0.5; lower is worse. */
        ACCURACY(true),
        /** Area under the ROC curve; lower is worse. */
        AUC(true);

        private final boolean higherIsBetter;

        Metric(boolean higherIsBetter) {
            this.higherIsBetter = higherIsBetter;
        }

        /**
         * Whether larger values are better.
         *
         * @return {@code true} for accuracy and AUC
         */
        public boolean higherIsBetter() {
            return higherIsBetter;
        }
    }

    /**
     * The performance of one window of labelled predictions.
     *
     * @param metric the metric
     * @param value its value
     * @param labels labelled predictions in the window
     * @param lower the lowest acceptable value (−∞ for error metrics with a fixed threshold)
     * @param upper the highest acceptable value (+∞ for score metrics with a fixed threshold)
     * @param degraded whether the value is outside [lower, upper]; never during the reference windows
     */
    public record Performance(Metric metric, double value, int labels, double lower, double upper, boolean degraded) {
    }

    private record Observation(@Nullable String id, float[] features, float prediction, long at) {
    }

    private record Label(String id, double label) {
    }

    private record Flush(CompletableFuture<Void> done) {
    }

    private final String model;
    private final List<String> features;
    private final @Nullable String predictionColumn;
    private final DatasetProfile reference;
    private final Schema windowSchema;
    private final DriftDetector detector;
    private final int windowSize;
    private final @Nullable Duration windowDuration;
    private final double sampleRate;
    private final Metric metric;
    private final int performanceWindow;
    private final @Nullable Double performanceThreshold;
    private final int referenceWindows;
    private final int pendingCapacity;
    private final @Nullable EventBus events;
    private final @Nullable Alerter alerter;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private final Counter sampled;
    private final Counter dropped;
    private final Counter windows;
    private final Map<String, Counter> labelOutcomes = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Map<String, double[]> scores = new ConcurrentHashMap<>();
    private final double[] driftedShare = {Double.NaN};
    private final double[] performanceValue = {Double.NaN};
    private final AtomicReference<DriftReport> lastReport = new AtomicReference<>();
    private final AtomicReference<Performance> lastPerformance = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile boolean warned;

    // Owned by the worker thread.
    private DatasetProfile.Accumulator window;
    private long windowStart;
    private final LinkedHashMap<String, Float> pending;
    private final List<float[]> labelled = new ArrayList<>();
    private final List<Double> referenceValues = new ArrayList<>();
    private boolean drifting;

    private ModelMonitor(Builder b) {
        this.model = Name.check("monitor.model", b.model);
        if (b.features == null || b.features.isEmpty()) {
            throw new ValidationException("monitor.features", "name the model's inputs in order", b.features);
        }
        this.features = List.copyOf(b.features);
        DatasetProfile ref = Checks.notNull("monitor.reference", b.reference);
        for (String f : features) {
            if (!ref.columns().containsKey(f) || ref.column(f).kind() != ColumnProfile.Kind.NUMERIC) {
                throw new ValidationException("monitor.reference", "profile the numeric feature " + f, ref.columns().keySet());
            }
        }
        this.predictionColumn = ref.columns().containsKey(b.predictionColumn) ? b.predictionColumn : null;
        List<String> monitored = new ArrayList<>(features);
        if (predictionColumn != null) {
            monitored.add(predictionColumn);
        }
        this.reference = ref.select(monitored);
        this.windowSchema = Schema.of(monitored.stream().map(n -> Column.of(n, ColumnType.DOUBLE)).toList());
        this.detector = Checks.notNull("monitor.detector", b.detector);
        this.windowSize = Checks.inRange("monitor.windowSize", b.windowSize, 10, 10_000_000);
        this.windowDuration = b.windowDuration == null ? null : Checks.positive("monitor.windowDuration", b.windowDuration);
        if (!(b.sampleRate > 0 && b.sampleRate <= 1)) {
            throw new ValidationException("monitor.sampleRate", "be in (0, 1]", b.sampleRate);
        }
        this.sampleRate = b.sampleRate;
        this.metric = b.metric != null ? b.metric : b.task == Task.REGRESSION ? Metric.RMSE : Metric.AUC;
        if ((b.task == Task.REGRESSION) == metric.higherIsBetter()) {
            throw new ValidationException("monitor.metric", "suit the task " + b.task, metric);
        }
        this.performanceWindow = Checks.inRange("monitor.performanceWindow", b.performanceWindow, 10, 10_000_000);
        this.performanceThreshold = b.performanceThreshold;
        this.referenceWindows = Checks.inRange("monitor.referenceWindows", b.referenceWindows, 2, 1_000);
        this.pendingCapacity = Checks.inRange("monitor.pendingCapacity", b.pendingCapacity, 1, 100_000_000);
        this.events = b.events;
        this.alerter = b.alerter;
        this.clock = b.clock;
        this.queue = new ArrayBlockingQueue<>(Checks.inRange("monitor.queueCapacity", b.queueCapacity, 1, 10_000_000));
        this.meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        this.sampled = counter(MetricNames.MONITOR_OBSERVATIONS, "sampled");
        this.dropped = counter(MetricNames.MONITOR_OBSERVATIONS, "dropped");
        this.windows = Counter.builder(MetricNames.MONITOR_WINDOWS).tag(MetricNames.TAG_MODEL, model).register(meters);
        for (String column : monitored) {
            double[] score = {Double.NaN};
            scores.put(column, score);
            Gauge.builder(MetricNames.MONITOR_DRIFT_SCORE, score, s -> s[0]).tags(MetricNames.TAG_MODEL, model,
                    MetricNames.TAG_FEATURE, column).register(meters);
        }
        Gauge.builder(MetricNames.MONITOR_DRIFT_SHARE, driftedShare, s -> s[0]).tag(MetricNames.TAG_MODEL, model)
                .register(meters);
        Gauge.builder(MetricNames.MONITOR_PERFORMANCE, performanceValue, s -> s[0]).tags(MetricNames.TAG_MODEL, model,
                MetricNames.TAG_METRIC, metric.name().toLowerCase(Locale.ROOT)).register(meters);
        this.pending = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Float> eldest) {
                if (size() > pendingCapacity) {
                    countLabel("expired");
                    return true;
                }
                return false;
            }
        };
        this.window = DatasetProfile.accumulator(windowSchema);
        this.windowStart = clock.millis();
        this.worker = new Thread(this::work, "mlops-monitor-" + model);
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Starts a monitor of a model.
     *
     * @param model the model's name, as in the registry
     * @return a builder
     */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    private Counter counter(String name, String outcome) {
        return Counter.builder(name).tags(MetricNames.TAG_MODEL, model, MetricNames.TAG_OUTCOME, outcome).register(meters);
    }

    private void countLabel(String outcome) {
        labelOutcomes.computeIfAbsent(outcome, o -> counter(MetricNames.MONITOR_LABELS, o)).increment();
    }

    /**
     * An endpoint that answers as the given one and records what it answers here; a request's
     * routing key is its prediction id for {@link #feedback}.
     *
     * @param endpoint an endpoint of feature rows in {@link Builder#features} order
     * @return the watched endpoint; closing it closes the given one
     */
    public ServingEndpoint<float[], Float> watch(ServingEndpoint<float[], Float> endpoint) {
        Checks.notNull("endpoint", endpoint);
        return new ServingEndpoint<>() {
            @Override
            public String name() {
                return endpoint.name();
            }

            @Override
            public int version() {
                return endpoint.version();
            }

            @Override
            public CompletableFuture<Prediction<Float>> submit(float[] input, Duration deadline) {
                return endpoint.submit(input, deadline).whenComplete((p, e) -> observe(null, input, p));
            }

            @Override
            public CompletableFuture<Prediction<Float>> submit(float[] input, @Nullable String routingKey, Duration deadline) {
                return endpoint.submit(input, routingKey, deadline).whenComplete((p, e) -> observe(routingKey, input, p));
            }

            @Override
            public Prediction<Float> predict(float[] input) {
                Prediction<Float> p = endpoint.predict(input);
                observe(null, input, p);
                return p;
            }

            @Override
            public int rollback() {
                return endpoint.rollback();
            }

            @Override
            public void close() {
                endpoint.close();
            }
        };
    }

    /** Records what a watched endpoint answered; a monitor that cannot take it never fails the request. */
    private void observe(@Nullable String id, float[] input, @Nullable Prediction<Float> answer) {
        if (answer == null) {
            return;
        }
        try {
            record(id, input, answer.value());
        } catch (RuntimeException e) {
            dropped.increment();
            if (!warned) {
                warned = true;
                LOG.warn("Monitor {} cannot record what endpoint answered: {}", model, e.getMessage());
            }
        }
    }

    /**
     * Records one prediction; cheap and never blocking. Sampled at the sample rate, except that a
     * prediction with an id is always kept for its label.
     *
     * @param id the prediction's id, for {@link #feedback}, or {@code null}
     * @param features the model's inputs, in {@link Builder#features} order
     * @param prediction what the model answered
     */
    public void record(@Nullable String id, float[] features, float prediction) {
        if (features == null || features.length != this.features.size()) {
            throw new ValidationException("features", "hold " + this.features.size() + " values " + this.features,
                    features == null ? null : features.length + " values");
        }
        if (!running || (id == null && sampleRate < 1 && ThreadLocalRandom.current().nextDouble() >= sampleRate)) {
            return;
        }
        if (queue.offer(new Observation(id, features.clone(), prediction, windowDuration == null ? 0 : clock.millis()))) {
            sampled.increment();
        } else {
            dropped.increment();
        }
    }

    /**
     * Joins a label to the prediction with this id. Labels for ids that were never recorded, or
     * that waited so long that newer predictions pushed them out, are counted as late.
     *
     * @param id the prediction's id
     * @param label the true value (0 or 1 for classification)
     */
    public void feedback(String id, double label) {
        Checks.text("id", id, 1_000);
        if (!Double.isFinite(label)) {
            throw new ValidationException("label of " + id, "be a finite number", label);
        }
        if (!queue.offer(new Label(id, label))) {
            countLabel("dropped");
        }
    }

    /**
     * Closes the current windows now (drift, and performance when it has labels) and waits until
     * their results are out; e.g. before shutdown or in tests.
     */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            queue.put(new Flush(done));
            done.get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while flushing monitor " + model, e, true);
        } catch (Exception e) {
            throw new MlopsException("monitor " + model + " did not flush: " + e, e, true);
        }
    }

    /**
     * Observations and labels waiting for the monitor's thread.
     *
     * @return the backlog
     */
    public int backlog() {
        return queue.size();
    }

    /**
     * The drift report of the last closed window.
     *
     * @return the report, once a window closed
     */
    public Optional<DriftReport> lastReport() {
        return Optional.ofNullable(lastReport.get());
    }

    /**
     * The performance of the last window of labelled predictions.
     *
     * @return the performance, once a window closed
     */
    public Optional<Performance> lastPerformance() {
        return Optional.ofNullable(lastPerformance.get());
    }

    private void work() {
        while (running || !queue.isEmpty()) {
            try {
                long wait = windowDuration == null ? 100 : Math.max(1, windowStart + windowDuration.toMillis() - clock.millis());
                Object item = queue.poll(Math.min(wait, 100), TimeUnit.MILLISECONDS);
                if (item instanceof Observation o) {
                    if (windowDuration != null && o.at() - windowStart >= windowDuration.toMillis() && window.rows() > 0) {
                        closeWindow();
                    }
                    add(o);
                } else if (item instanceof Label l) {
                    label(l);
                } else if (item instanceof Flush f) {
                    try {
                        closeWindow();
                        evaluate();
                    } finally {
                        f.done().complete(null);
                    }
                }
                boolean idleAndTimeUp = item == null && windowDuration != null
                        && clock.millis() - windowStart >= windowDuration.toMillis();
                if (window.rows() >= windowSize || (idleAndTimeUp && window.rows() > 0)) {
                    closeWindow();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Monitor {} failed to process an observation: {}", model, e.toString());
            }
        }
    }

    private void add(Observation o) {
        double[] row = new double[windowSchema.columns().size()];
        for (int i = 0; i < o.features().length; i++) {
            row[i] = o.features()[i];
        }
        if (predictionColumn != null) {
            row[row.length - 1] = o.prediction();
        }
        window.addNumbers(row);
        if (o.id() != null) {
            pending.put(o.id(), o.prediction());
        }
    }

    private void label(Label l) {
        Float prediction = pending.remove(l.id());
        if (prediction == null) {
            countLabel("late");
            return;
        }
        countLabel("joined");
        labelled.add(new float[] {prediction, (float) l.label()});
        if (labelled.size() >= performanceWindow) {
            evaluate();
        }
    }

    private void closeWindow() {
        DatasetProfile current = window.build();
        window = DatasetProfile.accumulator(windowSchema);
        windowStart = clock.millis();
        if (current.rows() == 0) {
            return;
        }
        DriftReport report = detector.report(reference, current);
        windows.increment();
        lastReport.set(report);
        for (FeatureDrift f : report.features()) {
            scores.get(f.feature())[0] = f.score();
        }
        driftedShare[0] = report.driftedShare();
        if (report.datasetDrift() && !drifting) {
            LOG.warn("Monitor {}: drift in {} of {} features ({}) over {} rows", model, report.drifted().size(),
                    report.features().size(), report.drifted().stream().map(FeatureDrift::feature).toList(), current.rows());
            List<String> drifted = report.drifted().stream().map(FeatureDrift::feature).toList();
            publish(EventTypes.MONITOR_DRIFT_DETECTED, Map.of("model", model, "rows", current.rows(),
                    "drifted_share", report.driftedShare(), "features", drifted));
            alert("drift/" + model, "Data drift in " + model, String.format(Locale.ROOT,
                    "%d of %d features drifted over %d rows: %s", drifted.size(), report.features().size(), current.rows(),
                    drifted));
        } else if (!report.datasetDrift() && drifting && alerter != null) {
            alerter.resolve("drift/" + model);
        }
        drifting = report.datasetDrift();
    }

    private void evaluate() {
        if (labelled.isEmpty()) {
            return;
        }
        float[] predicted = new float[labelled.size()];
        float[] actual = new float[labelled.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = labelled.get(i)[0];
            actual[i] = labelled.get(i)[1];
        }
        labelled.clear();
        double value = switch (metric) {
            case RMSE -> EvaluationMetrics.rmse(predicted, actual);
            case MAE -> EvaluationMetrics.mae(predicted, actual);
            case ACCURACY -> EvaluationMetrics.accuracy(predicted, actual);
            case AUC -> EvaluationMetrics.auc(predicted, actual);
        };
        performanceValue[0] = value;
        double lower;
        double upper;
        boolean judged;
        if (performanceThreshold != null) {
            lower = metric.higherIsBetter() ? performanceThreshold : Double.NEGATIVE_INFINITY;
            upper = metric.higherIsBetter() ? Double.POSITIVE_INFINITY : performanceThreshold;
            judged = true;
        } else if (referenceValues.size() < referenceWindows) {
            referenceValues.add(value);
            lower = Double.NEGATIVE_INFINITY;
            upper = Double.POSITIVE_INFINITY;
            judged = false;
        } else {
            double mean = referenceValues.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double variance = referenceValues.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
                    / (referenceValues.size() - 1);
            lower = mean - 3 * Math.sqrt(variance);
            upper = mean + 3 * Math.sqrt(variance);
            judged = true;
        }
        boolean degraded = judged && (value < lower || value > upper);
        Performance performance = new Performance(metric, value, predicted.length, lower, upper, degraded);
        lastPerformance.set(performance);
        if (degraded) {
            LOG.warn("Monitor {}: {} {} outside [{}, {}] over {} labels", model, metric, value, lower, upper,
                    predicted.length);
            publish(EventTypes.MONITOR_PERFORMANCE_DEGRADED, Map.of("model", model, "metric", metric.name(),
                    "value", value, "lower", lower, "upper", upper, "labels", predicted.length));
            alert("performance/" + model, "Performance of " + model + " degraded", String.format(Locale.ROOT,
                    "%s %.4f outside [%.4f, %.4f] over %d labels", metric, value, lower, upper, predicted.length));
        } else if (judged && alerter != null) {
            alerter.resolve("performance/" + model);
        }
    }

    private void alert(String key, String title, String text) {
        if (alerter != null) {
            alerter.fire(key, Alert.Severity.WARNING, title, text, Map.of("model", model));
        }
    }

    private void publish(String type, Map<String, Object> data) {
        if (events == null) {
            return;
        }
        try {
            events.publish(Event.builder(type).source("/monitor").subject(model).time(Instant.now(clock)).data(data).build());
        } catch (RuntimeException e) {
            LOG.warn("Monitor {} could not publish {}: {}", model, type, e.toString());
        }
    }

    /** Stops the monitor after what it was given; the last partial window is tested first. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        flush();
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds a {@link ModelMonitor}.
     */
    public static final class Builder {
        private final String model;
        private @Nullable List<String> features;
        private @Nullable DatasetProfile reference;
        private String predictionColumn = "prediction";
        private DriftDetector detector = DriftDetector.defaults();
        private int windowSize = 1_000;
        private @Nullable Duration windowDuration;
        private double sampleRate = 1;
        private int queueCapacity = 10_000;
        private Task task = Task.REGRESSION;
        private @Nullable Metric metric;
        private int performanceWindow = 500;
        private @Nullable Double performanceThreshold;
        private int referenceWindows = 5;
        private int pendingCapacity = 100_000;
        private @Nullable EventBus events;
        private @Nullable Alerter alerter;
        private @Nullable MeterRegistry meters;
        private Clock clock = Clock.systemUTC();

        private Builder(String model) {
            this.model = model;
        }

        /**
         * Names the model's inputs, in the order of the rows it is given.
         *
         * @param names the feature names
         * @return this builder
         */
        public Builder features(String... names) {
            this.features = List.of(names);
            return this;
        }

        /**
         * The reference: a profile of the training data with a column per feature, and optionally
         * the prediction column for output drift.
         *
         * @param profile the reference profile
         * @return this builder
         */
        public Builder reference(DatasetProfile profile) {
            this.reference = profile;
            return this;
        }

        /**
         * The reference column that holds the model's predictions on the training data; when the
         * reference has it, the predictions are monitored for drift too.
         *
         * @param column default {@code prediction}
         * @return this builder
         */
        public Builder predictionColumn(String column) {
            this.predictionColumn = Checks.text("monitor.predictionColumn", column, 200);
            return this;
        }

        /**
         * How windows are tested.
         *
         * @param detector default {@link DriftDetector#defaults()}
         * @return this builder
         */
        public Builder detector(DriftDetector detector) {
            this.detector = detector;
            return this;
        }

        /**
         * Closes a window after this many sampled predictions.
         *
         * @param rows default 1,000
         * @return this builder
         */
        public Builder windowSize(int rows) {
            this.windowSize = rows;
            return this;
        }

        /**
         * Also closes a window when it has been open this long (and holds a row).
         *
         * @param duration none by default
         * @return this builder
         */
        public Builder windowDuration(Duration duration) {
            this.windowDuration = duration;
            return this;
        }

        /**
         * The share of predictions without an id that are sampled.
         *
         * @param rate in (0, 1]; 1 by default
         * @return this builder
         */
        public Builder sampleRate(double rate) {
            this.sampleRate = rate;
            return this;
        }

        /**
         * Observations waiting for the monitor's thread; beyond that they are dropped and counted.
         *
         * @param capacity default 10,000
         * @return this builder
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * What the model predicts.
         *
         * @param task default regression
         * @return this builder
         */
        public Builder task(Task task) {
            this.task = Checks.notNull("monitor.task", task);
            return this;
        }

        /**
         * The performance metric; RMSE for regression and AUC for classification by default.
         *
         * @param metric the metric
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = Checks.notNull("monitor.metric", metric);
            return this;
        }

        /**
         * Labelled predictions per performance window.
         *
         * @param labels default 500
         * @return this builder
         */
        public Builder performanceWindow(int labels) {
            this.performanceWindow = labels;
            return this;
        }

        /**
         * A fixed threshold instead of the reference windows' mean ± 3 standard deviations: the
         * highest acceptable error, or the lowest acceptable accuracy or AUC.
         *
         * @param threshold the threshold
         * @return this builder
         */
        public Builder performanceThreshold(double threshold) {
            if (!Double.isFinite(threshold)) {
                throw new ValidationException("monitor.performanceThreshold", "be a finite number", threshold);
            }
            this.performanceThreshold = threshold;
            return this;
        }

        /**
         * Performance windows that set the mean ± 3 standard deviations band before any is judged.
         *
         * @param windows default 5
         * @return this builder
         */
        public Builder referenceWindows(int windows) {
            this.referenceWindows = windows;
            return this;
        }

        /**
         * Predictions kept waiting for their labels; the oldest are dropped beyond it.
         *
         * @param predictions default 100,000
         * @return this builder
         */
        public Builder pendingCapacity(int predictions) {
            this.pendingCapacity = predictions;
            return this;
        }

        /**
         * Where drift and performance events go.
         *
         * @param bus the event bus
         * @return this builder
         */
        public Builder events(EventBus bus) {
            this.events = Checks.notNull("monitor.events", bus);
            return this;
        }

        /**
         * Sends an alert when the dataset starts drifting or performance degrades, and resolves it
         * when a later window is fine again.
         *
         * @param alerter the alerter
         * @return this builder
         */
        public Builder alerter(Alerter alerter) {
            this.alerter = Checks.notNull("monitor.alerter", alerter);
            return this;
        }

        /**
         * Where the gauges and counters go.
         *
         * @param registry the meter registry
         * @return this builder
         */
        public Builder meters(MeterRegistry registry) {
            this.meters = Checks.notNull("monitor.meters", registry);
            return this;
        }

        /**
         * The clock of time windows and event times.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("monitor.clock", clock);
            return this;
        }

        /**
         * Builds and starts the monitor.
         *
         * @return the monitor; close it
         */
        public ModelMonitor build() {
            return new ModelMonitor(this);
        }
    }
}
