package dev.mlops.core.serving;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Signature;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Loads TorchScript models that take a float32 matrix of rows, shape (rows, features), and answer one
 * number per row: the version's artifact when it is one file, the {@code .pt} file among its
 * artifacts, or the model data of MLflow's {@code pytorch} flavour (an {@code MLmodel} file naming
 * it) when it was saved as TorchScript. The
 * file is checked before PyTorch reads it: a Python pickle — {@code torch.save} of a module or a
 * state dict, which cannot be loaded without Python — is refused with what to do instead.
 *
 * <pre>{@code
 * EmbeddedServingEndpoint.<float[], Float>builder("scorer").loader(TorchScriptLoader.rows(4))...
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TorchScriptLoader implements ModelLoader<float[], Float> {
    private static final Pattern MODEL_DATA = Pattern.compile("(?m)^\\s+model_data:\\s*(\\S+)\\s*$");
    private static final Pattern SIGNATURE_INPUTS = Pattern.compile("(?m)^\\s+inputs:\\s*'(.*)'\\s*$");
    private static final JsonCodec JSON = JsonCodec.create();
    private final int features;

    private TorchScriptLoader(int features) {
        this.features = features;
    }

    /**
     * A loader for models of rows.
     *
     * @param features the values per row
     * @return the loader
     */
    public static TorchScriptLoader rows(int features) {
        if (features < 1) {
            throw new ValidationException("features", "be at least 1", features);
        }
        return new TorchScriptLoader(features);
    }

    /**
     * Finds, checks and loads the TorchScript file of a version.
     *
     * @param version the version
     * @param artifacts its verified artifacts
     * @return the loaded model
     * @throws ValidationException if there is no single model file or it is not TorchScript
     * @throws MlopsException if PyTorch cannot load it
     */
    @Override
    public Loaded<float[], Float> load(ModelVersion version, Path artifacts) {
        version.signature().ifPresent(signature -> checkSignature(version, signature));
        Model model = Model.newInstance("torchscript", "PyTorch");
        try {
            checkMlflowSignature(artifacts);
            Path file = find(artifacts);
            checkTorchScript(file);
            model.load(file.getParent(), file.getFileName().toString());
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new MlopsException("cannot load TorchScript of " + version.model() + " version " + version.version() + ": "
                    + e.getMessage(), e, false);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new Loaded<>() {
            @Override
            public BatchPredictor<float[], Float> newPredictor() {
                return inputs -> {
                    float[] flat = new float[inputs.size() * features];
                    for (int i = 0; i < inputs.size(); i++) {
                        System.arraycopy(inputs.get(i), 0, flat, i * features, features);
                    }
                    try (NDManager manager = model.getNDManager().newSubManager()) {
                        NDArray x = manager.create(flat, new Shape(inputs.size(), features));
                        float[] out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false)
                                .singletonOrThrow().toFloatArray();
                        if (out.length != inputs.size()) {
                            throw new MlopsException("the TorchScript model answered " + out.length + " values for "
                                    + inputs.size() + " rows; it must answer one per row");
                        }
                        List<Float> answers = new ArrayList<>(out.length);
                        for (float v : out) {
                            answers.add(v);
                        }
                        return answers;
                    }
                };
            }

            @Override
            public void check(float[] input) {
                if (input.length != features) {
                    throw new ValidationException("input", "hold " + features + " values", input.length + " values");
                }
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    /** Refuses a version whose registered input is not a row of as many values as this loader reads. */
    private void checkSignature(ModelVersion version, Signature signature) {
        if (signature.inputs().size() != 1) {
            throw new ValidationException("signature of " + version.model() + " version " + version.version(),
                    "have one input tensor for a loader of rows", signature.inputs().size() + " inputs");
        }
        List<Long> shape = signature.inputs().get(0).shape();
        long width = shape.isEmpty() ? -1 : shape.get(shape.size() - 1);
        if (width != -1 && width != features) {
            throw new ValidationException("signature of " + version.model() + " version " + version.version(),
                    "take rows of " + features + " values as the loader reads them", "input shape " + shape);
        }
    }

    /**
     * Refuses an MLflow model whose {@code MLmodel} signature takes one tensor of rows of another width
     * than this loader reads ({@code inputs: '[{"type": "tensor", "tensor-spec": {..., "shape": [-1, n]}}]'}).
     */
    void checkMlflowSignature(Path artifacts) throws IOException {
        Path mlmodel = artifacts.resolve("MLmodel");
        if (!Files.isRegularFile(mlmodel)) {
            return;
        }
        Matcher m = SIGNATURE_INPUTS.matcher(Files.readString(mlmodel));
        if (!m.find()) {
            return;
        }
        List<?> inputs;
        try {
            inputs = JSON.read(m.group(1).replace("''", "'"), List.class);
        } catch (RuntimeException e) {
            throw new ValidationException("MLmodel signature inputs", "be MLflow's JSON list of inputs", m.group(1));
        }
        if (inputs.size() == 1 && inputs.get(0) instanceof Map<?, ?> input && input.get("tensor-spec") instanceof Map<?, ?> spec
                && spec.get("shape") instanceof List<?> shape && !shape.isEmpty()
                && shape.get(shape.size() - 1) instanceof Number width && width.intValue() != -1
                && width.intValue() != features) {
            throw new ValidationException("MLmodel signature", "take rows of " + features + " values as the loader reads"
                    + " them", "input shape " + shape);
        }
    }

    /**
     * The model file: the version's artifact when it is one file, MLflow's pytorch model data when
     * there is an MLmodel file, else the one .pt or .pth file.
     */
    static Path find(Path artifacts) throws IOException {
        if (Files.isRegularFile(artifacts)) {
            return artifacts;
        }
        Path mlmodel = artifacts.resolve("MLmodel");
        if (Files.isRegularFile(mlmodel)) {
            String text = Files.readString(mlmodel);
            if (!text.contains("pytorch:")) {
                throw new ValidationException("MLmodel", "have a pytorch flavour", "no pytorch flavour");
            }
            Matcher m = MODEL_DATA.matcher(text);
            Path data = artifacts.resolve(m.find() ? m.group(1) : "data").normalize();
            if (!data.startsWith(artifacts)) {
                throw new ValidationException("MLmodel model_data", "stay inside the artifacts", data);
            }
            if (!Files.isDirectory(data)) {
                return data;
            }
            if (!Files.exists(data.resolve("model.pth")) && Files.exists(data.resolve("model.pt2"))) {
                throw new ValidationException("MLmodel model_data", "hold TorchScript (model.pth); this model was saved"
                        + " with serialization_format='pt2' (torch.export), which PyTorch's C++ runtime cannot run: log a"
                        + " torch.jit.script(model) with mlflow.pytorch.log_model instead", "model.pt2");
            }
            return data.resolve("model.pth");
        }
        try (Stream<Path> files = Files.walk(artifacts)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(".pt") || f.toString().endsWith(".pth")).toList();
            if (found.size() != 1) {
                throw new ValidationException("artifacts", "hold one .pt or .pth file", found.size() + " files");
            }
            return found.get(0);
        }
    }

    /**
     * Checks that a file is a TorchScript archive: a zip with a {@code code/} directory. A raw pickle
     * (the format before PyTorch 1.6) or a zip without code ({@code torch.save}) is refused.
     *
     * @param file the file
     * @throws ValidationException saying what the file is and how to export TorchScript instead
     */
    static void checkTorchScript(Path file) throws IOException {
        String how = "export it with torch.jit.script(model) or torch.jit.trace(model, example) and torch.jit.save";
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
            throw new ValidationException("model file " + file.getFileName(), "be TorchScript, not a Python pickle; " + how,
                    "a pickle");
        }
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().contains("/code/")) {
                    return;
                }
            }
        }
        throw new ValidationException("model file " + file.getFileName(), "be TorchScript, not torch.save of a module or "
                + "state dict (a pickle in a zip, without code/); " + how, "no code/ in the archive");
    }
}
