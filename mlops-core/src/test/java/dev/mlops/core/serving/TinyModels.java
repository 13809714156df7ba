package dev.mlops.core.serving;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import java.util.Random;

/** Real DJL models small enough to train in a test: y = scale·a − b over features a and b. */
final class TinyModels {
    private TinyModels() {
    }

    static TrainedModel fit(double scale) {
        Random random = new Random(1);
        Table.Builder rows = Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("y", ColumnType.DOUBLE)));
        for (int i = 0; i < 200; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            rows.addRow(a, b, scale * a - b);
        }
        return TabularTrainer.builder().features("a", "b").label("y").hidden(8).epochs(10).seed(3).build().fit(rows.build());
    }
}
