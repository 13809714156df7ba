package dev.mlops.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.util.List;

/**
 * Tables to DJL {@link NDArray}s for training: numeric columns become a float32 matrix of
 * features (one row per table row) or a vector of labels. {@code LONG}, {@code DOUBLE} and
 * {@code BOOLEAN} (1 or 0) columns convert; anything else, and any null, is refused before the
 * manager allocates anything — fill nulls first, e.g. with a default in the pipeline step.
 *
 * <pre>{@code
 * Table training = mlops.features().historicalFeatures(ratings, "rated_at", raterService);
 * try (NDManager manager = NDManager.newBaseManager()) {
 *     NDArray x = NDArrays.matrix(manager, training, List.of("user_stats__mean_stars", "movie_stats__vote_average"));
 *     NDArray y = NDArrays.vector(manager, training, "stars");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class NDArrays {
    private NDArrays() {
    }

    /**
     * Columns of a table as a float32 matrix of shape (rows, columns), row-major.
     *
     * @param manager the manager that will own the array
     * @param table the table
     * @param columns the columns, in the order of the matrix's columns
     * @return the matrix
     * @throws ValidationException if the list is empty, a column is missing, not numeric or boolean,
     *     or holds a null (the first one is named with its row)
     */
    public static NDArray matrix(NDManager manager, Table table, List<String> columns) {
        Checks.notNull("manager", manager);
        Checks.notNull("table", table);
        Checks.notNull("columns", columns);
        if (columns.isEmpty()) {
            throw new ValidationException("columns", "name at least one column", columns);
        }
        int[] indexes = new int[columns.size()];
        for (int c = 0; c < indexes.length; c++) {
            indexes[c] = check(table, columns.get(c));
        }
        int rows = table.rowCount();
        float[] data = new float[rows * indexes.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < indexes.length; c++) {
                data[r * indexes.length + c] = floatAt(table, r, indexes[c]);
            }
        }
        return manager.create(data, new Shape(rows, indexes.length));
    }

    /**
     * One column of a table as a float32 vector of shape (rows), e.g. the labels.
     *
     * @param manager the manager that will own the array
     * @param table the table
     * @param column the column
     * @return the vector
     * @throws ValidationException if the column is missing, not numeric or boolean, or holds a null
     */
    public static NDArray vector(NDManager manager, Table table, String column) {
        Checks.notNull("manager", manager);
        Checks.notNull("table", table);
        int index = check(table, column);
        float[] data = new float[table.rowCount()];
        for (int r = 0; r < data.length; r++) {
            data[r] = floatAt(table, r, index);
        }
        return manager.create(data, new Shape(data.length));
    }

    private static int check(Table table, String column) {
        Schema schema = table.schema();
        if (!schema.has(column)) {
            throw new ValidationException("column", "be one of " + schema, column);
        }
        int index = schema.indexOf(column);
        ColumnType type = schema.column(column).type();
        if (type != ColumnType.LONG && type != ColumnType.DOUBLE && type != ColumnType.BOOLEAN) {
            throw new ValidationException("column " + column, "be LONG, DOUBLE or BOOLEAN to become a tensor", type);
        }
        for (int r = 0; r < table.rowCount(); r++) {
            if (table.isNull(r, index)) {
                throw new ValidationException("column " + column + " row " + r, "hold a value to become a tensor (fill"
                        + " nulls first)", null);
            }
        }
        return index;
    }

    /**
     * One value of a {@code LONG}, {@code DOUBLE} or {@code BOOLEAN} (1 or 0) column as a float.
     *
     * @param table the table
     * @param row the row
     * @param column the column index; the value must not be null
     * @return the value
     */
    public static float floatAt(Table table, int row, int column) {
        switch (table.schema().columns().get(column).type()) {
            case LONG:
                return table.longAt(row, column);
            case DOUBLE:
                return (float) table.doubleAt(row, column);
            default:
                return table.booleanAt(row, column) ? 1f : 0f;
        }
    }
}
