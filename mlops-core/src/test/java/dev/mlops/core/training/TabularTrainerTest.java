package dev.mlops.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.monitor.DatasetProfile;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains real MLPs on the PyTorch engine, on data the test makes. */
class TabularTrainerTest {
    @TempDir
    Path dir;

    /** y = 2·a − b + small noise; z = 1 when a + b > 0. */
    private static Table data(int rows, long seed) {
        Random random = new Random(seed);
        Table.Builder table = Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("y", ColumnType.DOUBLE), Column.of("z", ColumnType.BOOLEAN)));
        for (int i = 0; i < rows; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian() * 3 + 10;
            table.addRow(a, b, 2 * a - (b - 10) + random.nextGaussian() * 0.05, a + (b - 10) / 3 > 0);
        }
        return table.build();
    }

    private static TabularTrainer.Builder regression() {
        return TabularTrainer.builder().features("a", "b").label("y").hidden(16).epochs(40).batchSize(16)
                .learningRate(0.02).seed(7);
    }

    @Test
    void learnsARegressionTracksEveryEpochAndRegistersAVersionThatLoadsAgain() {
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"))) {
            TrackingRun run = mlops.tracker().startRun("ratings", "mlp");
            ModelVersion version;
            float[] before;
            Table fresh = data(5, 99);
            try (TrainedModel model = regression().trackingRun(run).build().fit(data(400, 1))) {
                TrainingReport report = model.report();
                assertThat(report.metrics().get("rmse")).isLessThan(0.3);
                assertThat(report.metrics()).containsKeys("rmse", "mae");
                assertThat(report.epochs().get(report.epochs().size() - 1).validationLoss())
                        .isLessThan(report.epochs().get(0).validationLoss());
                before = model.predict(fresh);
                DatasetProfile profile = model.trainingProfile().orElseThrow();
                assertThat(profile.columns().keySet()).containsExactly("a", "b", "y", TrainedModel.PREDICTION);
                assertThat(profile.rows()).isEqualTo(320);
                assertThat(profile.column("b").mean()).isCloseTo(10, within(0.5));
                assertThat(profile.column(TrainedModel.PREDICTION).mean()).isCloseTo(profile.column("y").mean(), within(0.1));
                version = model.register(mlops.registry(), "rater", spec -> spec.trackingRun(run.id()));
            }
            run.close();
            RunInfo info = mlops.tracker().findRun(run.id()).orElseThrow();
            assertThat(info.metrics().get("validation_loss")).isNotEmpty();
            assertThat(info.metrics().get("validation_loss").get(0).step()).isEqualTo(1);
            assertThat(info.params()).containsEntry("seed", "7").containsEntry("features", "a,b");
            assertThat(version.format()).isEqualTo(TrainedModel.FORMAT);
            assertThat(version.metrics()).containsKey("rmse");
            assertThat(version.signature().orElseThrow().inputs().get(0).shape()).containsExactly(-1L, 2L);

            Path artifacts = dir.resolve("serving");
            mlops.registry().downloadArtifacts(version, artifacts);
            try (TrainedModel loaded = TrainedModel.load(artifacts)) {
                assertThat(loaded.predict(fresh)).containsExactly(before);
                assertThat(loaded.trainingProfile().orElseThrow().rows()).isEqualTo(320);
            }
            assertThat(TrainedModel.trainingProfile(mlops.registry(), version).column("a").count()).isEqualTo(320);
        }
    }

    @Test
    void theSameSeedTrainsTheSameModel() {
        Table table = data(200, 3);
        try (TrainedModel first = regression().epochs(5).build().fit(table);
                TrainedModel second = regression().epochs(5).build().fit(table)) {
            assertThat(second.report().epochs()).isEqualTo(first.report().epochs());
            assertThat(second.predict(table)).containsExactly(first.predict(table));
        }
    }

    @Test
    void learnsABinaryClassificationAndStopsEarlyKeepingTheBestEpoch() {
        try (TrainedModel model = TabularTrainer.builder().features("a", "b").label("z")
                .task(TabularTrainer.Task.BINARY_CLASSIFICATION).hidden(8).epochs(200).patience(3).learningRate(0.05)
                .seed(11).build().fit(data(300, 5))) {
            TrainingReport report = model.report();
            assertThat(report.metrics().get("auc")).isGreaterThan(0.95);
            assertThat(report.metrics().get("accuracy")).isGreaterThan(0.85);
            assertThat(report.metrics()).containsKey("log_loss");
            assertThat(report.stoppedEarly()).isTrue();
            assertThat(report.epochs()).hasSize(report.bestEpoch() + 3);
            for (float p : model.predict(data(10, 8))) {
                assertThat(p).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void refusesBadSettingsAndData() {
        assertThatThrownBy(() -> TabularTrainer.builder().label("y").build()).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("trainer.features must name at least one column");
        assertThatThrownBy(() -> regression().features("y").build()).hasMessageStartingWith("trainer.label must not be one of");
        assertThatThrownBy(() -> regression().validationFraction(1).build())
                .hasMessage("trainer.validationFraction must be in (0, 1), was '1.0'");
        assertThatThrownBy(() -> regression().learningRate(0).build()).hasMessageStartingWith("trainer.learningRate must");
        assertThatThrownBy(() -> regression().build().fit(data(1, 1))).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("table must have enough rows");
        assertThatThrownBy(() -> TabularTrainer.builder().features("a").label("y").task(TabularTrainer.Task.BINARY_CLASSIFICATION)
                .build().fit(data(20, 1))).isInstanceOf(ValidationException.class).hasMessageContaining("must be 0 or 1");
        assertThatThrownBy(() -> TrainedModel.load(dir)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("model directory must hold mlops-model.json");
    }

    @Test
    void metricsMatchHandComputedValues() {
        float[] predicted = {1f, 2f, 4f};
        float[] actual = {1f, 3f, 2f};
        assertThat(EvaluationMetrics.rmse(predicted, actual)).isCloseTo(Math.sqrt(5.0 / 3), offset(1e-9));
        assertThat(EvaluationMetrics.mae(predicted, actual)).isCloseTo(1.0, offset(1e-9));
        float[] p = {0.1f, 0.4f, 0.35f, 0.8f};
        float[] y = {0f, 0f, 1f, 1f};
        assertThat(EvaluationMetrics.auc(p, y)).isEqualTo(0.75);
        assertThat(EvaluationMetrics.accuracy(p, y)).isEqualTo(0.75);
        assertThat(EvaluationMetrics.logLoss(p, y)).isCloseTo(
                -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, offset(1e-6));
        assertThatThrownBy(() -> EvaluationMetrics.auc(p, new float[] {1f, 1f, 1f, 1f}))
                .hasMessageStartingWith("labels must hold both classes");
    }
}
