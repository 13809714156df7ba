package dev.mlops.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.data.CsvFiles;
import dev.mlops.core.data.ParquetFiles;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.training.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scores tables and files through a real endpoint whose small queue forces the scorer to wait. */
class BatchScorerTest {
    private static final Schema ROWS = Schema.of(Column.of("id", ColumnType.LONG), Column.of("a", ColumnType.DOUBLE),
            Column.of("b", ColumnType.DOUBLE));

    @TempDir
    Path dir;

    @Test
    void scoresEveryRowInOrderThroughABusyEndpointAndFiles() {
        Random random = new Random(1);
        Table.Builder candidates = Table.builder(ROWS);
        for (long i = 0; i < 3_000; i++) {
            candidates.addRow(i, random.nextGaussian(), random.nextGaussian());
        }
        Table table = candidates.build();
        try (MlopsPlatform mlops = MlopsPlatform.embedded(dir.resolve("home"));
                TrainedModel model = TinyModels.fit(2)) {
            ModelVersion v = model.register(mlops.registry(), "scorer", spec -> { });
            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("scorer")
                    .registry(mlops.registry()).model("scorer").version(v.version()).loader(TrainedModel.servingLoader())
                    .workers(2).queueCapacity(8).build()) {
                List<Long> progress = new ArrayList<>();
                Table scored = BatchScorer.of(endpoint).features("a", "b").output("y_hat").inFlight(64)
                        .progress(progress::add).score(table);

                float[] expected = model.predict(table);
                assertThat(scored.rowCount()).isEqualTo(3_000);
                assertThat(scored.schema().columns()).extracting(Column::name).containsExactly("id", "a", "b", "y_hat");
                for (int r = 0; r < 3_000; r++) {
                    assertThat(scored.longAt(r, 0)).isEqualTo(r);
                    // batches of other sizes may sum in another order: equal to float rounding
                    assertThat((float) scored.doubleAt(r, 3)).isCloseTo(expected[r], within(1e-5f));
                }
                assertThat(progress).containsExactly(3_000L);

                Path csv = dir.resolve("in.csv");
                CsvFiles.write(table, csv);
                assertThat(BatchScorer.of(endpoint).features("a", "b").scoreFile(csv, ROWS, dir.resolve("out.parquet")))
                        .isEqualTo(3_000);
                Table fromFile = ParquetFiles.read(dir.resolve("out.parquet"), Schema.of(Column.of("id", ColumnType.LONG),
                        Column.of("prediction", ColumnType.DOUBLE)));
                assertThat((float) fromFile.doubleAt(1_234, 1)).isCloseTo(expected[1_234], within(1e-5f));

                assertThatThrownBy(() -> BatchScorer.of(endpoint).features("a", "c").score(table))
                        .isInstanceOf(ValidationException.class).hasMessageStartingWith("feature must be one of");
                assertThatThrownBy(() -> BatchScorer.of(endpoint).features("a", "b").output("id").score(table))
                        .hasMessage("output must be a new column, was 'id'");
                Table holes = Table.builder(ROWS).addRow(1L, 0.5, null).build();
                assertThatThrownBy(() -> BatchScorer.of(endpoint).features("a", "b").score(holes))
                        .hasMessageStartingWith("row 0 b must hold a value");
            }
        }
    }
}
