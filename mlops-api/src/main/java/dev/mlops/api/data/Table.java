package dev.mlops.api.data;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * An immutable, columnar table: a {@link Schema} and, per column, a primitive array and a null mask.
 * It is what data steps pass along (sources, validation, features, training), so that large data
 * moves without a boxed object per cell. Timestamps are kept as epoch microseconds, dates as epoch
 * days.
 *
 * <pre>{@code
 * Table ratings = Table.builder(schema)
 *         .addRow("u1", 10L, 4.5, Instant.parse("2026-01-01T10:00:00Z"))
 *         .addRow("u2", 11L, null, Instant.parse("2026-01-01T11:00:00Z"))
 *         .build();
 * double stars = ratings.doubleAt(0, ratings.schema().indexOf("stars"));
 * Table good = ratings.filter(row -> !ratings.isNull(row, 2));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Table {
    private final Schema schema;
    private final int rows;
    private final Object[] data;
    private final BitSet[] nulls;

    private Table(Schema schema, int rows, Object[] data, BitSet[] nulls) {
        this.schema = schema;
        this.rows = rows;
        this.data = data;
        this.nulls = nulls;
    }

    /**
     * Starts a table.
     *
     * @param schema its columns
     * @return a builder
     */
    public static Builder builder(Schema schema) {
        return new Builder(Checks.notNull("schema", schema), 16);
    }

    /**
     * Starts a table whose size is known, so that its columns are allocated once.
     *
     * <pre>{@code
     * Table.Builder rows = Table.builder(schema, 1_000_000);
     * }</pre>
     *
     * @param schema its columns
     * @param expectedRows how many rows will be added (more may be)
     * @return a builder
     */
    public static Builder builder(Schema schema, int expectedRows) {
        return new Builder(Checks.notNull("schema", schema), Checks.inRange("expectedRows", expectedRows, 0, Integer.MAX_VALUE - 8));
    }

    /**
     * The columns.
     *
     * @return the schema
     */
    public Schema schema() {
        return schema;
    }

    /**
     * The number of rows.
     *
     * @return the count
     */
    public int rowCount() {
        return rows;
    }

    /**
     * Tells whether a cell is null.
     *
     * @param row the row, from 0
     * @param column the column index
     * @return {@code true} if null
     */
    public boolean isNull(int row, int column) {
        check(row, column);
        return nulls[column].get(row);
    }

    /**
     * A cell as its Java type ({@link ColumnType#javaType()}).
     *
     * @param row the row, from 0
     * @param column the column index
     * @return the value, or {@code null}
     */
    public @Nullable Object value(int row, int column) {
        if (isNull(row, column)) {
            return null;
        }
        switch (schema.columns().get(column).type()) {
            case STRING:
                return ((String[]) data[column])[row];
            case LONG:
                return ((long[]) data[column])[row];
            case DOUBLE:
                return ((double[]) data[column])[row];
            case BOOLEAN:
                return ((boolean[]) data[column])[row];
            case TIMESTAMP:
                return micros(((long[]) data[column])[row]);
            default:
                return LocalDate.ofEpochDay(((long[]) data[column])[row]);
        }
    }

    /**
     * A cell of a {@code LONG}, {@code TIMESTAMP} (epoch microseconds) or {@code DATE} (epoch day) column.
     *
     * @param row the row
     * @param column the column index
     * @return the raw long; 0 for null
     */
    public long longAt(int row, int column) {
        check(row, column);
        return ((long[]) data[column])[row];
    }

    /**
     * A cell of a {@code DOUBLE} column.
     *
     * @param row the row
     * @param column the column index
     * @return the value; 0 for null
     */
    public double doubleAt(int row, int column) {
        check(row, column);
        return ((double[]) data[column])[row];
    }

    /**
     * A cell of a {@code STRING} column.
     *
     * @param row the row
     * @param column the column index
     * @return the value, or {@code null}
     */
    public @Nullable String stringAt(int row, int column) {
        check(row, column);
        return ((String[]) data[column])[row];
    }

    /**
     * A cell of a {@code BOOLEAN} column.
     *
     * @param row the row
     * @param column the column index
     * @return the value; {@code false} for null
     */
    public boolean booleanAt(int row, int column) {
        check(row, column);
        return ((boolean[]) data[column])[row];
    }

    /**
     * One row as a list of values.
     *
     * @param row the row
     * @return the values, in column order
     */
    public List<Object> row(int row) {
        List<Object> values = new ArrayList<>(schema.size());
        for (int c = 0; c < schema.size(); c++) {
            values.add(value(row, c));
        }
        return values;
    }

    /**
     * The rows at the given positions, in that order.
     *
     * @param rowIndexes row positions; may repeat
     * @return a new table
     */
    public Table select(int[] rowIndexes) {
        Object[] picked = new Object[schema.size()];
        BitSet[] pickedNulls = new BitSet[schema.size()];
        for (int c = 0; c < schema.size(); c++) {
            pickedNulls[c] = new BitSet();
            Object source = data[c];
            switch (schema.columns().get(c).type()) {
                case STRING: {
                    String[] s = (String[]) source;
                    String[] out = new String[rowIndexes.length];
                    for (int i = 0; i < rowIndexes.length; i++) {
                        out[i] = s[rowIndexes[i]];
                    }
                    picked[c] = out;
                    break;
                }
                case DOUBLE: {
                    double[] s = (double[]) source;
                    double[] out = new double[rowIndexes.length];
                    for (int i = 0; i < rowIndexes.length; i++) {
                        out[i] = s[rowIndexes[i]];
                    }
                    picked[c] = out;
                    break;
                }
                case BOOLEAN: {
                    boolean[] s = (boolean[]) source;
                    boolean[] out = new boolean[rowIndexes.length];
                    for (int i = 0; i < rowIndexes.length; i++) {
                        out[i] = s[rowIndexes[i]];
                    }
                    picked[c] = out;
                    break;
                }
                default: {
                    long[] s = (long[]) source;
                    long[] out = new long[rowIndexes.length];
                    for (int i = 0; i < rowIndexes.length; i++) {
                        out[i] = s[rowIndexes[i]];
                    }
                    picked[c] = out;
                }
            }
            for (int i = 0; i < rowIndexes.length; i++) {
                if (rowIndexes[i] < 0 || rowIndexes[i] >= rows) {
                    throw new ValidationException("row", "be between 0 and " + (rows - 1), rowIndexes[i]);
                }
                if (nulls[c].get(rowIndexes[i])) {
                    pickedNulls[c].set(i);
                }
            }
        }
        return new Table(schema, rowIndexes.length, picked, pickedNulls);
    }

    /**
     * The rows a predicate accepts.
     *
     * @param keep gets a row index, true to keep the row
     * @return a new table
     */
    public Table filter(IntPredicate keep) {
        return select(IntStream.range(0, rows).filter(keep).toArray());
    }

    /**
     * A builder holding every row of this table, for adding more.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(schema, rows + 16);
        for (int r = 0; r < rows; r++) {
            b.addRow(row(r).toArray());
        }
        return b;
    }

    private void check(int row, int column) {
        if (row < 0 || row >= rows) {
            throw new ValidationException("row", "be between 0 and " + (rows - 1), row);
        }
        if (column < 0 || column >= schema.size()) {
            throw new ValidationException("column", "be between 0 and " + (schema.size() - 1), column);
        }
    }

    private static Instant micros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Table)) {
            return false;
        }
        Table t = (Table) o;
        if (!t.schema.equals(schema) || t.rows != rows) {
            return false;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < schema.size(); c++) {
                if (!Objects.equals(value(r, c), t.value(r, c))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = schema.hashCode() * 31 + rows;
        for (int r = 0; r < Math.min(rows, 100); r++) {
            hash = hash * 31 + row(r).hashCode();
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Table" + schema + " " + rows + " rows");
        for (int r = 0; r < Math.min(rows, 5); r++) {
            text.append("\n  ").append(row(r));
        }
        return text.append(rows > 5 ? "\n  ..." : "").toString();
    }

    /**
     * Builds a {@link Table} row by row; every value is checked against its column type, with no
     * coercion beyond exact widening ({@code Integer} to {@code LONG}, {@code Float} to {@code DOUBLE}).
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Schema schema;
        private final Object[] data;
        private final BitSet[] nulls;
        private int rows;
        private int capacity;
        private boolean built;

        private Builder(Schema schema, int capacity) {
            this.schema = schema;
            this.capacity = Math.max(capacity, 1);
            this.data = new Object[schema.size()];
            this.nulls = new BitSet[schema.size()];
            for (int c = 0; c < schema.size(); c++) {
                data[c] = allocate(schema.columns().get(c).type(), capacity);
                nulls[c] = new BitSet();
            }
        }

        /**
         * Adds a row.
         *
         * @param values one value per column, in schema order; {@code null} for a missing value
         * @return this builder
         * @throws ValidationException naming the column if a value has the wrong type, or if the row
         *     has the wrong number of values; the builder is unchanged then
         */
        public Builder addRow(@Nullable Object... values) {
            if (built) {
                throw new MlopsException("table builder already built");
            }
            Checks.notNull("row", values);
            if (values.length != schema.size()) {
                throw new ValidationException("row " + rows, "have " + schema.size() + " values " + schema,
                        values.length + " values");
            }
            Object[] converted = new Object[values.length];
            for (int c = 0; c < values.length; c++) {
                converted[c] = convert(schema.columns().get(c), values[c]);
            }
            if (rows == capacity) {
                capacity *= 2;
                for (int c = 0; c < data.length; c++) {
                    data[c] = grow(data[c], capacity);
                }
            }
            for (int c = 0; c < converted.length; c++) {
                store(c, converted[c]);
            }
            rows++;
            return this;
        }

        /**
         * The rows added so far.
         *
         * @return the count
         */
        public int rowCount() {
            return rows;
        }

        /**
         * Creates the table; the builder cannot be used afterwards.
         *
         * @return the table
         */
        public Table build() {
            built = true;
            for (int c = 0; c < data.length; c++) {
                data[c] = grow(data[c], rows);
            }
            return new Table(schema, rows, data, nulls);
        }

        private void store(int c, @Nullable Object value) {
            if (value == null) {
                nulls[c].set(rows);
                return;
            }
            Object column = data[c];
            if (column instanceof long[]) {
                ((long[]) column)[rows] = (Long) value;
            } else if (column instanceof double[]) {
                ((double[]) column)[rows] = (Double) value;
            } else if (column instanceof boolean[]) {
                ((boolean[]) column)[rows] = (Boolean) value;
            } else {
                ((String[]) column)[rows] = (String) value;
            }
        }

        private static @Nullable Object convert(Column column, @Nullable Object value) {
            if (value == null) {
                return null;
            }
            switch (column.type()) {
                case STRING:
                    if (value instanceof String) {
                        return value;
                    }
                    break;
                case LONG:
                    if (value instanceof Long || value instanceof Integer || value instanceof Short
                            || value instanceof Byte) {
                        return ((Number) value).longValue();
                    }
                    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
                        return ((BigInteger) value).longValue();
                    }
                    break;
                case DOUBLE:
                    if (value instanceof Double || value instanceof Float) {
                        return ((Number) value).doubleValue();
                    }
                    if (value instanceof BigDecimal) {
                        return ((BigDecimal) value).doubleValue();
                    }
                    break;
                case BOOLEAN:
                    if (value instanceof Boolean) {
                        return value;
                    }
                    break;
                case TIMESTAMP:
                    if (value instanceof Instant) {
                        Instant t = (Instant) value;
                        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
                    }
                    break;
                default:
                    if (value instanceof LocalDate) {
                        return ((LocalDate) value).toEpochDay();
                    }
            }
            throw new ValidationException("column " + column.name(), "hold " + column.type() + " values ("
                    + column.type().javaType().getSimpleName() + "), not " + value.getClass().getSimpleName(), value);
        }

        private static Object allocate(ColumnType type, int size) {
            switch (type) {
                case STRING:
                    return new String[size];
                case DOUBLE:
                    return new double[size];
                case BOOLEAN:
                    return new boolean[size];
                default:
                    return new long[size];
            }
        }

        private static Object grow(Object array, int size) {
            if (array instanceof long[]) {
                return Arrays.copyOf((long[]) array, size);
            } else if (array instanceof double[]) {
                return Arrays.copyOf((double[]) array, size);
            } else if (array instanceof boolean[]) {
                return Arrays.copyOf((boolean[]) array, size);
            }
            return Arrays.copyOf((String[]) array, size);
        }
    }
}
