package dev.mlops.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlops.api.ValidationException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.TensorSpec;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptLoaderTest {
    @TempDir
    Path dir;

    @Test
    void refusesPicklesWithWhatToDoInstead() throws IOException {
        Path legacy = Files.write(dir.resolve("model.pt"), new byte[] {(byte) 0x80, 0x02, 0x63, 0x0a});
        assertThatThrownBy(() -> TorchScriptLoader.checkTorchScript(legacy)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("be TorchScript, not a Python pickle; export it with torch.jit.script");

        Path saved = dir.resolve("state.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(saved))) {
            for (String name : List.of("archive/data.pkl", "archive/data/0", "archive/version")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(1);
                zip.closeEntry();
            }
        }
        assertThatThrownBy(() -> TorchScriptLoader.checkTorchScript(saved)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("not torch.save of a module or state dict");
    }

    @Test
    void findsTheModelDataOfMlflowsPytorchFlavour() throws IOException {
        Path mlflow = Files.createDirectories(dir.resolve("mlflow"));
        Files.writeString(mlflow.resolve("MLmodel"), "artifact_path: model\nflavors:\n  pytorch:\n    model_data: data\n"
                + "    pytorch_version: 2.1.0\n  python_function:\n    loader_module: mlflow.pytorch\n");
        Files.createDirectories(mlflow.resolve("data"));
        Files.write(mlflow.resolve("data/model.pth"), new byte[] {(byte) 0x80, 0x02});
        assertThat(TorchScriptLoader.find(mlflow)).isEqualTo(mlflow.resolve("data/model.pth"));

        Path two = Files.createDirectories(dir.resolve("two"));
        Files.write(two.resolve("a.pt"), new byte[] {1});
        Files.write(two.resolve("b.pt"), new byte[] {1});
        assertThatThrownBy(() -> TorchScriptLoader.find(two)).hasMessage("artifacts must hold one .pt or .pth file, was '2 files'");

        Path escaping = Files.createDirectories(dir.resolve("escaping"));
        Files.writeString(escaping.resolve("MLmodel"), "flavors:\n  pytorch:\n    model_data: ../../etc\n");
        assertThatThrownBy(() -> TorchScriptLoader.find(escaping)).hasMessageStartingWith("MLmodel model_data must stay inside");
    }

    @Test
    void refusesAVersionWhoseSignatureTakesOtherRows() throws IOException {
        Path artifacts = Files.createDirectories(dir.resolve("signed"));
        Files.write(artifacts.resolve("model.pt"), new byte[] {1});
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"))) {
            ModelVersion v = mlops.registry().createVersion(s -> s.model("signed").artifacts(artifacts).format("torchscript")
                    .signature(new Signature(List.of(TensorSpec.of("x", "float32", -1, 3)),
                            List.of(TensorSpec.of("y", "float32", -1)))));
            assertThatThrownBy(() -> TorchScriptLoader.rows(4).load(v, artifacts)).isInstanceOf(ValidationException.class)
                    .hasMessage("signature of signed version 1 must take rows of 4 values as the loader reads them, was"
                            + " 'input shape [-1, 3]'");
        }
    }

    @Test
    void refusesAnMlflowModelWhoseSignatureTakesOtherRows() throws IOException {
        Path mlflow = Files.createDirectories(dir.resolve("mlflow-signed"));
        Files.writeString(mlflow.resolve("MLmodel"), "flavors:\n  pytorch:\n    model_data: data\nsignature:\n  inputs: '[{\"type\":"
                + " \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 3]}}]'\n  outputs: '[]'\n");
        assertThatThrownBy(() -> TorchScriptLoader.rows(4).checkMlflowSignature(mlflow)).isInstanceOf(ValidationException.class)
                .hasMessage("MLmodel signature must take rows of 4 values as the loader reads them, was 'input shape [-1, 3]'");
        TorchScriptLoader.rows(3).checkMlflowSignature(mlflow);

        Files.writeString(mlflow.resolve("MLmodel"), "signature:\n  inputs: '[not json'\n");
        assertThatThrownBy(() -> TorchScriptLoader.rows(3).checkMlflowSignature(mlflow))
                .hasMessageStartingWith("MLmodel signature inputs must be MLflow's JSON list of inputs");
    }

    @Test
    void servesATorchScriptModelMadeByPyTorch() throws Exception {
        URL model = getClass().getResource("/torchscript/tiny_mlp.pt");
        URL expected = getClass().getResource("/torchscript/tiny_mlp.json");
        assumeTrue(model != null && expected != null, "no TorchScript test model: PyTorch for Python cannot be installed on"
                + " these machines; run src/test/resources/torchscript/make_tiny_mlp.py where it can and commit"
                + " tiny_mlp.pt and tiny_mlp.json next to it");
        Path artifacts = Files.createDirectories(dir.resolve("artifacts"));
        try (OutputStream out = Files.newOutputStream(artifacts.resolve("tiny_mlp.pt"))) {
            out.write(model.openStream().readAllBytes());
        }
        Map<?, ?> cases = JsonCodec.create().read(expected.openStream().readAllBytes(), Map.class);
        List<?> inputs = (List<?>) cases.get("inputs");
        List<?> outputs = (List<?>) cases.get("outputs");
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"))) {
            ModelVersion v = mlops.registry().createVersion(s -> s.model("tiny").artifacts(artifacts).format("torchscript"));
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("tiny")
                    .registry(mlops.registry()).model("tiny").version(v.version()).loader(TorchScriptLoader.rows(4))
                    .workers(1).build()) {
                for (int i = 0; i < inputs.size(); i++) {
                    List<?> row = (List<?>) inputs.get(i);
                    float[] x = new float[row.size()];
                    for (int c = 0; c < x.length; c++) {
                        x[c] = ((Number) row.get(c)).floatValue();
                    }
                    assertThat(endpoint.predict(x).value()).isCloseTo(((Number) outputs.get(i)).floatValue(), within(1e-5f));
                }
            }
        }
    }
}
