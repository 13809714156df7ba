package dev.mlops.core.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Table;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.TensorSpec;
import dev.mlops.api.model.VersionSpec;
import dev.mlops.core.data.NDArrays;
import dev.mlops.core.monitor.DatasetProfile;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.serving.ModelLoader;
import dev.mlops.core.platform.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A model trained by {@link TabularTrainer}: DJL weights plus a card that records how to rebuild
 * the network and prepare its input (feature columns, standardization, layer sizes), so that a saved
 * model loads again anywhere. Predicts from tables, saves to a directory ({@code model-0000.params}
 * and {@code mlops-model.json}) and registers itself as a model version with its signature, metrics
 * and training settings.
 *
 * <pre>{@code
 * float[] predicted = model.predict(newRatings);
 * ModelVersion v = model.register(mlops.registry(), "movie-rater", spec -> spec.trackingRun(run.id()));
 * try (TrainedModel again = TrainedModel.load(dir)) { ... }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TrainedModel implements AutoCloseable {
    /** The registry format of these models. */
    public static final String FORMAT = "djl-tabular-mlp";
    private static final String CARD = "mlops-model.json";
    private static final String NAME = "model";
    /** The file that holds the profile of the training rows, beside the weights. */
    public static final String TRAINING_PROFILE = "training-profile.json";
    /** The profile column that holds the model's predictions on its training rows. */
    public static final String PREDICTION = "prediction";

    private final Model model;
    private final Card card;
    private final TrainingReport report;
    private final @Nullable DatasetProfile trainingProfile;

    /**
     * How to rebuild and feed the network.
     *
     * @param format {@link #FORMAT}
     * @param features the feature columns, in input order
     * @param label the label column
     * @param task the task
     * @param hidden the hidden layers' sizes
     * @param mean the training rows' mean per feature
     * @param scale the training rows' standard deviation per feature (1 where it is 0)
     */
    record Card(String format, List<String> features, String label, TabularTrainer.Task task, int[] hidden, float[] mean,
            float[] scale) {
        float[] standardize(float[] x, int[] rows) {
            int n = features.size();
            float[] out = new float[rows.length * n];
            for (int i = 0; i < rows.length; i++) {
                for (int c = 0; c < n; c++) {
                    out[i * n + c] = (x[rows[i] * n + c] - mean[c]) / scale[c];
                }
            }
            return out;
        }
    }

    TrainedModel(Model model, Card card, TrainingReport report, @Nullable DatasetProfile trainingProfile) {
        this.model = model;
        this.card = card;
        this.report = report;
        this.trainingProfile = trainingProfile;
    }

    static SequentialBlock block(Card card) {
        SequentialBlock block = new SequentialBlock();
        for (int units : card.hidden()) {
            block.add(Linear.builder().setUnits(units).build()).add(Activation.reluBlock());
        }
        return block.add(Linear.builder().setUnits(1).build());
    }

    /** Runs the network on standardized rows; probabilities for classification. */
    static float[] forward(Model model, Card card, float[] standardized, int rows) {
        NDManager manager = model.getNDManager().newSubManager();
        try (manager) {
            NDArray x = manager.create(standardized, new Shape(rows, card.features().size()));
            NDArray out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            if (card.task() == TabularTrainer.Task.BINARY_CLASSIFICATION) {
                out = Activation.sigmoid(out);
            }
            return out.reshape(rows).toFloatArray();
        }
    }

    /**
     * Loads a model saved by {@link #save(Path)} (or the artifacts of a version it registered).
     *
     * @param dir the directory
     * @return the model (with an empty report); close it
     * @throws ValidationException if the directory holds no model of this format
     * @throws MlopsException if the weights cannot be read
     */
    public static TrainedModel load(Path dir) {
        Checks.notNull("dir", dir);
        byte[] bytes = StateFiles.readIfExists(dir.resolve(CARD));
        if (bytes == null) {
            throw new ValidationException("model directory", "hold " + CARD, dir);
        }
        Card card = JsonCodec.create().read(bytes, Card.class);
        if (!FORMAT.equals(card.format())) {
            throw new ValidationException("model format", "be " + FORMAT, card.format());
        }
        Model model = Model.newInstance(NAME, "PyTorch");
        try {
            model.setBlock(block(card));
            model.load(dir, NAME);
            byte[] profile = StateFiles.readIfExists(dir.resolve(TRAINING_PROFILE));
            return new TrainedModel(model, card, new TrainingReport(List.of(), 0, false, Map.of()),
                    profile == null ? null : DatasetProfile.fromBytes(profile));
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new MlopsException("cannot load the model in " + dir + ": " + e.getMessage(), e, false);
        }
    }

    /**
     * What training did.
     *
     * @return the report
     */
    public TrainingReport report() {
        return report;
    }

    /**
     * The profile of the training rows — every feature, the label, and the model's predictions on
     * them as column {@value #PREDICTION} — which monitors compare live traffic with. It is saved
     * and registered with the model.
     *
     * <pre>{@code
     * ModelMonitor.builder("rater").features(model.features().toArray(String[]::new))
     *         .reference(model.trainingProfile().orElseThrow()).build();
     * }</pre>
     *
     * @return the profile; empty for models saved without one
     */
    public Optional<DatasetProfile> trainingProfile() {
        return Optional.ofNullable(trainingProfile);
    }

    /**
     * Reads the training profile of a registered version of this format, after the registry has
     * verified the artifacts' checksums.
     *
     * @param registry the registry
     * @param version the version
     * @return the profile
     * @throws ValidationException if the version holds no training profile
     */
    public static DatasetProfile trainingProfile(ModelRegistry registry, ModelVersion version) {
        Checks.notNull("registry", registry);
        Checks.notNull("version", version);
        Path dir = temporaryDirectory();
        try {
            Path artifacts = dir.resolve("artifacts");
            registry.downloadArtifacts(version, artifacts);
            byte[] bytes = StateFiles.readIfExists(artifacts.resolve(TRAINING_PROFILE));
            if (bytes == null) {
                throw new ValidationException("artifacts of " + version.model() + " version " + version.version(),
                        "hold " + TRAINING_PROFILE, "none");
            }
            return DatasetProfile.fromBytes(bytes);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("mlops-model-");
        } catch (IOException e) {
            throw new MlopsException("cannot create a temporary directory: " + e.getMessage(), e, true);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary copy; the registry holds the artifacts
        }
    }

    /**
     * The feature columns, in input order.
     *
     * @return the columns
     */
    public List<String> features() {
        return card.features();
    }

    /**
     * The DJL model, e.g. for a {@code Predictor}.
     *
     * @return the model, owned by this object
     */
    public Model model() {
        return model;
    }

    /**
     * The signature: a float32 matrix of the features in, one value per row out.
     *
     * @return the signature
     */
    public Signature signature() {
        return new Signature(List.of(TensorSpec.of("features", "float32", -1, card.features().size())),
                List.of(TensorSpec.of(card.task() == TabularTrainer.Task.REGRESSION ? card.label() : card.label()
                        + "_probability", "float32", -1)));
    }

    /**
     * Predicts every row of a table: values for regression, probabilities of 1 for classification.
     *
     * @param table rows with the feature columns
     * @return one prediction per row
     * @throws ValidationException if a feature column is missing, of another type or holds a null
     */
    public float[] predict(Table table) {
        Checks.notNull("table", table);
        float[] x;
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            x = NDArrays.matrix(scratch, table, card.features()).toFloatArray();
        }
        int[] rows = new int[table.rowCount()];
        Arrays.setAll(rows, i -> i);
        return forward(model, card, card.standardize(x, rows), rows.length);
    }

    /**
     * Writes the weights and the card into a directory.
     *
     * @param dir the directory, created if missing
     * @return the directory
     * @throws MlopsException if it cannot be written
     */
    public Path save(Path dir) {
        Checks.notNull("dir", dir);
        try {
            Files.createDirectories(dir);
            model.save(dir, NAME);
            StateFiles.replace(dir.resolve(CARD), JsonCodec.create().write(card));
            if (trainingProfile != null) {
                StateFiles.replace(dir.resolve(TRAINING_PROFILE), trainingProfile.toBytes());
            }
            return dir;
        } catch (IOException e) {
            throw new MlopsException("cannot save the model to " + dir + ": " + e.getMessage(), e, true);
        }
    }

    /**
     * Registers the model as a new version: the saved directory as artifacts, format {@link #FORMAT},
     * the signature, the evaluation metrics, and the training settings as parameters.
     *
     * @param registry the registry
     * @param name the model name
     * @param more further settings of the version, e.g. its tracking run and lineage
     * @return the version
     */
    public ModelVersion register(ModelRegistry registry, String name, Consumer<VersionSpec> more) {
        Checks.notNull("registry", registry);
        Checks.notNull("more", more);
        Path dir = temporaryDirectory();
        try {
            Path saved = save(dir.resolve(NAME));
            return registry.createVersion(spec -> {
                spec.model(name).artifacts(saved).format(FORMAT).signature(signature())
                        .param("features", String.join(",", card.features())).param("label", card.label())
                        .param("task", card.task().name()).param("hidden", Arrays.toString(card.hidden()));
                report.metrics().forEach(spec::metric);
                more.accept(spec);
            });
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Loads registered versions of this format for a serving endpoint: each input is the raw
     * feature values of one row (in {@link #features()} order); a batch is standardized as training
     * did into one (rows, features) tensor and answered in one forward pass (probabilities for
     * classification). Inputs of the wrong length or
     * with a value that is not finite are refused when submitted.
     *
     * @return the loader
     */
    public static ModelLoader<float[], Float> servingLoader() {
        return (version, dir) -> {
            TrainedModel trained = load(dir);
            return new ModelLoader.Loaded<>() {
                @Override
                public ModelLoader.BatchPredictor<float[], Float> newPredictor() {
                    // One (rows, features) tensor per batch: no per-row tensors, stacking or splitting.
                    return inputs -> {
                        int n = trained.card.features().size();
                        float[] flat = new float[inputs.size() * n];
                        int[] row = {0};
                        for (int i = 0; i < inputs.size(); i++) {
                            System.arraycopy(trained.card.standardize(inputs.get(i), row), 0, flat, i * n, n);
                        }
                        float[] out = forward(trained.model, trained.card, flat, inputs.size());
                        List<Float> answers = new ArrayList<>(out.length);
                        for (float v : out) {
                            answers.add(v);
                        }
                        return answers;
                    };
                }

                @Override
                public void check(float[] input) {
                    int n = trained.card.features().size();
                    if (input.length != n) {
                        throw new ValidationException("input", "hold " + n + " values " + trained.card.features(),
                                input.length + " values");
                    }
                    for (int i = 0; i < n; i++) {
                        if (!Float.isFinite(input[i])) {
                            throw new ValidationException("input " + trained.card.features().get(i), "be a finite number",
                                    input[i]);
                        }
                    }
                }

                @Override
                public void close() {
                    trained.close();
                }
            };
        };
    }

    /**
     * A DJL translator from one row of raw feature values to the prediction, standardizing as
     * training did; batches stack rows.
     *
     * @return the translator
     */
    public Translator<float[], Float> translator() {
        return new Translator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, float[] input) {
                int[] one = {0};
                return new NDList(ctx.getNDManager().create(card.standardize(input, one), new Shape(input.length)));
            }

            @Override
            public Float processOutput(TranslatorContext ctx, NDList list) {
                float v = list.singletonOrThrow().toFloatArray()[0];
                return card.task() == TabularTrainer.Task.BINARY_CLASSIFICATION ? (float) (1 / (1 + Math.exp(-v))) : v;
            }
        };
    }

    /** Frees the model's native memory. */
    @Override
    public void close() {
        model.close();
    }
}
