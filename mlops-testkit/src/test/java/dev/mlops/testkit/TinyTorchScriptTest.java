package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.serving.TorchScriptLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture's files are TorchScript that PyTorch runs, and its Java answers are PyTorch's. */
class TinyTorchScriptTest {
    @TempDir
    Path dir;

    @Test
    void pytorchAnswersWhatTheFixtureComputesForAFileAndForAnMlflowModel() throws Exception {
        TinyTorchScript model = TinyTorchScript.mlp(4, 8, 7);
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"))) {
            ModelVersion file = mlops.registry().createVersion(s -> s.model("scorer")
                    .artifacts(model.save(dir.resolve("model.pt"))).format("torchscript"));
            ModelVersion mlflow = mlops.registry().createVersion(s -> s.model("scorer")
                    .artifacts(model.saveMlflowModel(dir.resolve("mlflow-model"))).format("mlflow-pytorch"));
            Random random = new Random(5);
            for (ModelVersion v : List.of(file, mlflow)) {
                try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder(
                        "scorer").registry(mlops.registry()).model("scorer").version(v.version())
                        .loader(TorchScriptLoader.rows(4)).build()) {
                    for (int i = 0; i < 20; i++) {
                        float[] row = {(float) random.nextGaussian(), (float) random.nextGaussian(),
                                (float) random.nextGaussian(), (float) random.nextGaussian()};
                        assertThat(endpoint.predict(row).value()).isCloseTo(model.predict(row), within(1e-5f));
                    }
                }
            }
        }
        assertThat(Files.readString(dir.resolve("mlflow-model/MLmodel"))).contains("pytorch:", "model_data: data",
                "\"shape\": [-1, 4]");
    }

    @Test
    void differentSeedsGiveDifferentModelsAndBadSizesAreRefused() {
        float[] row = {1f, 2f, 3f};
        assertThat(TinyTorchScript.mlp(3, 4, 1).predict(row)).isNotEqualTo(TinyTorchScript.mlp(3, 4, 2).predict(row));
        assertThat(TinyTorchScript.mlp(3, 4, 1).predict(row)).isEqualTo(TinyTorchScript.mlp(3, 4, 1).predict(row));
        assertThatThrownBy(() -> TinyTorchScript.mlp(0, 4, 1)).isInstanceOf(ValidationException.class)
                .hasMessage("inputs must be at least 1, was '0'");
        assertThatThrownBy(() -> TinyTorchScript.mlp(3, 0, 1)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> TinyTorchScript.mlp(3, 4, 1).predict(new float[2])).isInstanceOf(ValidationException.class)
                .hasMessage("row must hold 3 values, was '2 values'");
    }
}
