package dev.mlops.core.training;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.TranslateException;
import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.data.NDArrays;
import dev.mlops.core.monitor.DatasetProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a multi-layer perceptron on numeric columns of a {@link Table} (for example a point-in-time
 * training set) with DJL on the PyTorch engine: a seeded split into training and validation rows,
 * features standardized with the training rows' mean and deviation, Adam, one pass over shuffled
 * mini-batches per epoch, the losses of every epoch logged (and sent to a tracking run with the
 * epoch as step), early stopping when the validation loss has not improved for {@code patience}
 * epochs, and the best epoch's weights kept (checkpointed when they improve).
 *
 * <pre>{@code
 * try (TrainedModel model = TabularTrainer.builder()
 *         .features("user_stats__mean_stars", "movie_stats__vote_average")
 *         .label("stars")
 *         .hidden(64, 32).epochs(50).patience(5).seed(7)
 *         .trackingRun(run)
 *         .build()
 *         .fit(training)) {
 *     model.report().metrics().get("rmse");
 *     model.register(mlops.registry(), "movie-rater", v -> v.trackingRun(run.id()));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TabularTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(TabularTrainer.class);

    /** What the model predicts. */
    public enum Task {
        /** A number; L2 loss; RMSE and MAE. */
        REGRESSION,
        /** The probability of the label being 1 (labels 0 or 1); binary cross-entropy; accuracy, AUC, log loss. */
        BINARY_CLASSIFICATION
    }

    private final List<String> features;
    private final String label;
    private final Task task;
    private final int[] hidden;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final double validationFraction;
    private final int seed;
    private final int patience;
    private final @Nullable TrackingRun run;
    private final Consumer<TrainingReport.Epoch> progress;
    private final @Nullable Path checkpoints;

    private TabularTrainer(Builder b) {
        if (b.features.isEmpty()) {
            throw new ValidationException("trainer.features", "name at least one column", b.features);
        }
        this.features = List.copyOf(b.features);
        this.label = Checks.notNull("trainer.label", b.label);
        if (features.contains(label)) {
            throw new ValidationException("trainer.label", "not be one of the features " + features, label);
        }
        this.task = b.task;
        this.hidden = b.hidden.clone();
        for (int units : hidden) {
            Checks.inRange("trainer.hidden units", units, 1, 65_536);
        }
        this.epochs = Checks.inRange("trainer.epochs", b.epochs, 1, 100_000);
        this.batchSize = Checks.inRange("trainer.batchSize", b.batchSize, 1, 1 << 20);
        if (!(b.learningRate > 0 && b.learningRate < 10)) {
            throw new ValidationException("trainer.learningRate", "be in (0, 10)", b.learningRate);
        }
        this.learningRate = b.learningRate;
        if (!(b.validationFraction > 0 && b.validationFraction < 1)) {
            throw new ValidationException("trainer.validationFraction", "be in (0, 1)", b.validationFraction);
        }
        this.validationFraction = b.validationFraction;
        this.seed = b.seed;
        this.patience = Checks.inRange("trainer.patience", b.patience, 0, 100_000);
        this.run = b.run;
        this.progress = b.progress;
        this.checkpoints = b.checkpoints;
    }

    /**
     * Starts a trainer.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains a model. The table is only read.
     *
     * @param table rows with the feature and label columns ({@code LONG}, {@code DOUBLE} or
     *     {@code BOOLEAN}, no nulls)
     * @return the trained model, holding the best epoch's weights; close it
     * @throws ValidationException if a column is missing, of another type or holds a null, if a
     *     classification label is not 0 or 1, or if there are too few rows for both splits
     * @throws MlopsException if the engine fails
     */
    public TrainedModel fit(Table table) {
        Checks.notNull("table", table);
        int rows = table.rowCount();
        int validationRows = (int) Math.round(rows * validationFraction);
        if (validationRows < 1 || rows - validationRows < 1) {
            throw new ValidationException("table", "have enough rows for training and validation rows at fraction "
                    + validationFraction, rows + " rows");
        }
        float[] x;
        float[] y;
        try (NDManager scratch = NDManager.newBaseManager("PyTorch")) {
            x = NDArrays.matrix(scratch, table, features).toFloatArray();
            y = NDArrays.vector(scratch, table, label).toFloatArray();
        }
        if (task == Task.BINARY_CLASSIFICATION) {
            for (int r = 0; r < rows; r++) {
                if (y[r] != 0f && y[r] != 1f) {
                    throw new ValidationException("label " + label + " row " + r, "be 0 or 1 for binary classification", y[r]);
                }
            }
        }
        int n = features.size();
        int[] order = shuffled(rows, seed);
        int[] trainRows = Arrays.copyOfRange(order, validationRows, rows);
        int[] validation = Arrays.copyOfRange(order, 0, validationRows);
        float[] mean = new float[n];
        float[] scale = new float[n];
        for (int c = 0; c < n; c++) {
            double sum = 0;
            double squares = 0;
            for (int r : trainRows) {
                sum += x[r * n + c];
                squares += (double) x[r * n + c] * x[r * n + c];
            }
            double m = sum / trainRows.length;
            double sd = Math.sqrt(Math.max(squares / trainRows.length - m * m, 0));
            mean[c] = (float) m;
            scale[c] = sd > 1e-12 ? (float) sd : 1f;
        }
        TrainedModel.Card card = new TrainedModel.Card(TrainedModel.FORMAT, features, label, task, hidden, mean, scale);
        Engine.getInstance().setRandomSeed(seed);
        Model model = Model.newInstance("mlp", "PyTorch");
        boolean done = false;
        try {
            model.setBlock(TrainedModel.block(card));
            TrainingReport report = train(model, card, x, y, trainRows, validation);
            DatasetProfile profile = profile(model, card, x, y, trainRows);
            done = true;
            return new TrainedModel(model, card, report, profile);
        } catch (IOException e) {
            throw new MlopsException("training failed: " + e.getMessage(), e, false);
        } finally {
            if (!done) {
                model.close();
            }
        }
    }

    /** The training rows' features, label and the trained model's predictions, profiled for monitors. */
    private DatasetProfile profile(Model model, TrainedModel.Card card, float[] x, float[] y, int[] trainRows) {
        int n = features.size();
        float[] predicted = TrainedModel.forward(model, card, card.standardize(x, trainRows), trainRows.length);
        List<Column> columns = new ArrayList<>();
        features.forEach(f -> columns.add(Column.of(f, ColumnType.DOUBLE)));
        columns.add(Column.of(label, ColumnType.DOUBLE));
        boolean withPrediction = !features.contains(TrainedModel.PREDICTION) && !label.equals(TrainedModel.PREDICTION);
        if (withPrediction) {
            columns.add(Column.of(TrainedModel.PREDICTION, ColumnType.DOUBLE));
        }
        DatasetProfile.Accumulator rows = DatasetProfile.accumulator(Schema.of(columns));
        double[] row = new double[columns.size()];
        for (int i = 0; i < trainRows.length; i++) {
            for (int c = 0; c < n; c++) {
                row[c] = x[trainRows[i] * n + c];
            }
            row[n] = y[trainRows[i]];
            if (withPrediction) {
                row[n + 1] = predicted[i];
            }
            rows.addNumbers(row);
        }
        return rows.build();
    }

    private TrainingReport train(Model model, TrainedModel.Card card, float[] x, float[] y, int[] trainRows, int[] validation)
            throws IOException {
        Loss loss = task == Task.REGRESSION ? Loss.l2Loss() : Loss.sigmoidBinaryCrossEntropyLoss();
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(Optimizer.adam()
                .optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed((float) learningRate)).build());
        Path dir = checkpoints != null ? checkpoints : Files.createTempDirectory("mlops-training-");
        List<TrainingReport.Epoch> history = new ArrayList<>();
        int n = features.size();
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(new Shape(1, n));
            NDManager manager = trainer.getManager();
            NDArray trainX = manager.create(card.standardize(x, trainRows), new Shape(trainRows.length, n));
            NDArray trainY = manager.create(pick(y, trainRows), new Shape(trainRows.length, 1));
            NDArray validX = manager.create(card.standardize(x, validation), new Shape(validation.length, n));
            NDArray validY = manager.create(pick(y, validation), new Shape(validation.length, 1));
            ArrayDataset dataset = new ArrayDataset.Builder().setData(trainX).optLabels(trainY)
                    .setSampling(batchSize, true).build();
            double best = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            boolean stoppedEarly = false;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (Batch batch : trainer.iterateDataset(dataset)) {
                    try (batch) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                    }
                }
                double trainLoss = loss(trainer, loss, trainX, trainY);
                double validationLoss = loss(trainer, loss, validX, validY);
                TrainingReport.Epoch e = new TrainingReport.Epoch(epoch, trainLoss, validationLoss);
                history.add(e);
                if (run != null) {
                    run.logMetric("train_loss", trainLoss, epoch);
                    run.logMetric("validation_loss", validationLoss, epoch);
                }
                LOG.info("Epoch {}/{}: train loss {}, validation loss {}", epoch, epochs, trainLoss, validationLoss);
                progress.accept(e);
                if (validationLoss < best - 1e-9) {
                    best = validationLoss;
                    bestEpoch = epoch;
                    model.save(dir, "best");
                } else if (patience > 0 && epoch - bestEpoch >= patience) {
                    stoppedEarly = epoch < epochs;
                    break;
                }
            }
            model.load(dir, "best");
            Map<String, Double> metrics = evaluate(model, card, x, y, validation);
            if (run != null) {
                metrics.forEach(run::logMetric);
                run.logParam("epochs", Integer.toString(epochs)).logParam("batch_size", Integer.toString(batchSize))
                        .logParam("learning_rate", Double.toString(learningRate)).logParam("hidden", Arrays.toString(hidden))
                        .logParam("seed", Integer.toString(seed)).logParam("features", String.join(",", features))
                        .logParam("label", label).logParam("task", task.name());
            }
            return new TrainingReport(history, bestEpoch, stoppedEarly, metrics);
        } catch (TranslateException e) {
            throw new MlopsException("training failed: " + e.getMessage(), e, false);
        } catch (ai.djl.MalformedModelException e) {
            throw new MlopsException("the checkpoint in " + dir + " cannot be read back: " + e.getMessage(), e, false);
        } finally {
            if (checkpoints == null) {
                deleteQuietly(dir);
            }
        }
    }

    private Map<String, Double> evaluate(Model model, TrainedModel.Card card, float[] x, float[] y, int[] rows) {
        float[] predicted = TrainedModel.forward(model, card, card.standardize(x, rows), rows.length);
        float[] actual = pick(y, rows);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (task == Task.REGRESSION) {
            metrics.put("rmse", EvaluationMetrics.rmse(predicted, actual));
            metrics.put("mae", EvaluationMetrics.mae(predicted, actual));
        } else {
            metrics.put("accuracy", EvaluationMetrics.accuracy(predicted, actual));
            metrics.put("log_loss", EvaluationMetrics.logLoss(predicted, actual));
            if (hasBoth(actual)) {
                metrics.put("auc", EvaluationMetrics.auc(predicted, actual));
            }
        }
        return metrics;
    }

    private static boolean hasBoth(float[] labels) {
        boolean zero = false;
        boolean one = false;
        for (float label : labels) {
            zero |= label == 0f;
            one |= label == 1f;
        }
        return zero && one;
    }

    private static double loss(Trainer trainer, Loss loss, NDArray x, NDArray y) {
        NDList predictions = trainer.evaluate(new NDList(x));
        try (NDArray value = loss.evaluate(new NDList(y), predictions)) {
            return value.getFloat();
        } finally {
            predictions.close();
        }
    }

    private static int[] shuffled(int rows, int seed) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static float[] pick(float[] y, int[] rows) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = y[rows[i]];
        }
        return out;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }

    /**
     * Builds a {@link TabularTrainer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final List<String> features = new ArrayList<>();
        private @Nullable String label;
        private Task task = Task.REGRESSION;
        private int[] hidden = {64};
        private int epochs = 20;
        private int batchSize = 32;
        private double learningRate = 0.01;
        private double validationFraction = 0.2;
        private int seed = 42;
        private int patience = 5;
        private @Nullable TrackingRun run;
        private Consumer<TrainingReport.Epoch> progress = e -> { };
        private @Nullable Path checkpoints;

        private Builder() {
        }

        /**
         * Names the feature columns, in the order the model takes them.
         *
         * @param columns column names
         * @return this builder
         */
        public Builder features(String... columns) {
            for (String column : columns) {
                features.add(Checks.notNull("trainer.features", column));
            }
            return this;
        }

        /**
         * Names the label column.
         *
         * @param column the column
         * @return this builder
         */
        public Builder label(String column) {
            this.label = column;
            return this;
        }

        /**
         * Sets the task.
         *
         * @param task default {@link Task#REGRESSION}
         * @return this builder
         */
        public Builder task(Task task) {
            this.task = Checks.notNull("trainer.task", task);
            return this;
        }

        /**
         * Sets the hidden layers' sizes (ReLU after each).
         *
         * @param units units per layer; default one layer of 64; none for a linear model
         * @return this builder
         */
        public Builder hidden(int... units) {
            this.hidden = Checks.notNull("trainer.hidden", units).clone();
            return this;
        }

        /**
         * Sets the most epochs to run.
         *
         * @param epochs default 20
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the mini-batch size.
         *
         * @param size default 32
         * @return this builder
         */
        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        /**
         * Sets Adam's learning rate.
         *
         * @param rate default 0.01
         * @return this builder
         */
        public Builder learningRate(double rate) {
            this.learningRate = rate;
            return this;
        }

        /**
         * Sets the share of rows held out for validation.
         *
         * @param fraction in (0, 1); default 0.2
         * @return this builder
         */
        public Builder validationFraction(double fraction) {
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Sets the seed of the split, the shuffling and the initial weights; the same seed and data
         * train the same model.
         *
         * @param seed default 42
         * @return this builder
         */
        public Builder seed(int seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Stops after this many epochs without a lower validation loss.
         *
         * @param epochs default 5; 0 runs every epoch
         * @return this builder
         */
        public Builder patience(int epochs) {
            this.patience = epochs;
            return this;
        }

        /**
         * Sends losses per epoch, the final metrics and the settings to a tracking run.
         *
         * @param run the run, which stays open
         * @return this builder
         */
        public Builder trackingRun(TrackingRun run) {
            this.run = Checks.notNull("trainer.trackingRun", run);
            return this;
        }

        /**
         * Receives every epoch's losses as it ends.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder progress(Consumer<TrainingReport.Epoch> listener) {
            this.progress = Checks.notNull("trainer.progress", listener);
            return this;
        }

        /**
         * Keeps the best weights under a directory ({@code best-0000.params}); by default a temporary
         * directory, deleted after training.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder checkpoints(Path dir) {
            this.checkpoints = Checks.notNull("trainer.checkpoints", dir);
            return this;
        }

        /**
         * Creates the trainer.
         *
         * @return the trainer
         * @throws ValidationException if a setting is out of range or the label is missing or a feature
         */
        public TabularTrainer build() {
            return new TabularTrainer(this);
        }
    }
}
