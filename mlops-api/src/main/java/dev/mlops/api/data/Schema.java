package dev.mlops.api.data;

import dev.mlops.api.ConflictException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered, named and typed columns of a {@link Table}.
 *
 * <pre>{@code
 * Schema ratings = Schema.of(
 *         Column.of("user_id", ColumnType.STRING),
 *         Column.of("movie_id", ColumnType.LONG),
 *         Column.of("stars", ColumnType.DOUBLE),
 *         Column.of("rated_at", ColumnType.TIMESTAMP));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Schema {
    /** The most columns a schema may have. */
    public static final int MAX_COLUMNS = 10_000;

    private final List<Column> columns;
    private final Map<String, Integer> index;

    private Schema(List<Column> columns) {
        this.columns = List.copyOf(columns);
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            if (positions.put(columns.get(i).name(), i) != null) {
                throw new ConflictException("column '" + columns.get(i).name() + "' appears twice in the schema");
            }
        }
        this.index = positions;
    }

    /**
     * A schema of columns.
     *
     * @param columns at least one, with distinct names
     * @return the schema
     */
    public static Schema of(Column... columns) {
        return of(List.of(columns));
    }

    /**
     * A schema of columns.
     *
     * @param columns at least one, with distinct names
     * @return the schema
     */
    public static Schema of(List<Column> columns) {
        if (columns.isEmpty() || columns.size() > MAX_COLUMNS) {
            throw new ValidationException("schema", "have between 1 and " + MAX_COLUMNS + " columns", columns.size());
        }
        return new Schema(columns);
    }

    /**
     * The columns, in order.
     *
     * @return the columns
     */
    public List<Column> columns() {
        return columns;
    }

    /**
     * The number of columns.
     *
     * @return the count
     */
    public int size() {
        return columns.size();
    }

    /**
     * The position of a column.
     *
     * @param name the column name
     * @return its index
     * @throws NotFoundException if the schema has no such column
     */
    public int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new NotFoundException("column", String.valueOf(name), "columns: " + index.keySet());
        }
        return i;
    }

    /**
     * Tells whether the schema has a column.
     *
     * @param name the column name
     * @return {@code true} if it has one
     */
    public boolean has(String name) {
        return index.containsKey(name);
    }

    /**
     * A column by name.
     *
     * @param name the column name
     * @return the column
     * @throws NotFoundException if the schema has no such column
     */
    public Column column(String name) {
        return columns.get(indexOf(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schema && ((Schema) o).columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return columns.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("(");
        for (Column c : columns) {
            text.append(text.length() == 1 ? "" : ", ").append(c.name()).append(' ').append(c.type());
        }
        return text.append(')').toString();
    }
}
