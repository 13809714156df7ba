package dev.mlops.testkit;

import dev.mlops.api.Checks;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.util.Random;

/**
 * Small tables with a known answer, the same for the same seed, for tests of training, serving and
 * monitoring: features {@code a} and {@code b} drawn from a standard normal distribution (moved by a
 * shift to make drift) and a label computed from them.
 *
 * <pre>{@code
 * Table train = SyntheticData.linear(300, 1);                  // y = 2a − b
 * Table drifted = SyntheticData.linear(300, 2, 2.0, 1.5);      // a shifted by 1.5
 * Table labelled = SyntheticData.classes(300, 1);               // label = 1 when a + b > 0
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SyntheticData {
    private SyntheticData() {
    }

    /**
     * Rows of {@code a}, {@code b} and {@code y = 2a − b}.
     *
     * @param rows 1 to 10,000,000
     * @param seed the seed
     * @return the table
     */
    public static Table linear(int rows, long seed) {
        return linear(rows, seed, 2.0, 0.0);
    }

    /**
     * Rows of {@code a}, {@code b} and {@code y = scale·a − b}, with {@code a} drawn around {@code shift}.
     *
     * @param rows 1 to 10,000,000
     * @param seed the seed
     * @param scale the weight of {@code a}
     * @param shift the mean of {@code a}
     * @return the table
     */
    public static Table linear(int rows, long seed, double scale, double shift) {
        Checks.inRange("rows", rows, 1, 10_000_000);
        Random random = new Random(seed);
        Table.Builder table = Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("y", ColumnType.DOUBLE)));
        for (int i = 0; i < rows; i++) {
            double a = random.nextGaussian() + shift;
            double b = random.nextGaussian();
            table.addRow(a, b, scale * a - b);
        }
        return table.build();
    }

    /**
     * Rows of {@code a}, {@code b} and {@code label}, 1 when {@code a + b > 0} and 0 otherwise.
     *
     * @param rows 1 to 10,000,000
     * @param seed the seed
     * @return the table
     */
    public static Table classes(int rows, long seed) {
        Checks.inRange("rows", rows, 1, 10_000_000);
        Random random = new Random(seed);
        Table.Builder table = Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("label", ColumnType.LONG)));
        for (int i = 0; i < rows; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            table.addRow(a, b, a + b > 0 ? 1L : 0L);
        }
        return table.build();
    }
}
