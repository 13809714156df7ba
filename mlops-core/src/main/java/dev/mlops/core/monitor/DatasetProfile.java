package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.core.platform.JsonCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Mergeable per-column profiles of a dataset ({@link ColumnProfile}), built in one pass: what drift
 * reports compare, what a model version keeps of its training set, and what monitors build of each
 * window of live traffic. Profiles of parts merge into the profile of the whole — across windows and
 * across replicas — and serialize to compact JSON with the sketches in their binary forms.
 *
 * <pre>{@code
 * DatasetProfile training = DatasetProfile.of(trainingSet);
 * Files.write(dir.resolve("profile.json"), training.toBytes());
 *
 * DatasetProfile.Accumulator window = DatasetProfile.accumulator(trainingSet.schema());
 * window.addRow(7.1, 40.2, "drama");
 * DatasetProfile live = window.build().merge(otherReplica);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DatasetProfile {
    private static final String FORMAT = "mlops-profile/1";
    private static final JsonCodec JSON = JsonCodec.create();

    private final long rows;
    private final Map<String, ColumnProfile> columns;

    private DatasetProfile(long rows, List<ColumnProfile> columns) {
        this.rows = rows;
        Map<String, ColumnProfile> byName = new LinkedHashMap<>();
        columns.forEach(c -> byName.put(c.name(), c));
        this.columns = Collections.unmodifiableMap(byName);
    }

    /**
     * Profiles every column of a table, columns in parallel.
     *
     * @param table the data
     * @return its profile
     */
    public static DatasetProfile of(Table table) {
        Checks.notNull("table", table);
        List<Column> schema = table.schema().columns();
        List<ColumnProfile> profiles = IntStream.range(0, schema.size()).parallel()
                .mapToObj(c -> profile(table, c, schema.get(c))).toList();
        return new DatasetProfile(table.rowCount(), profiles);
    }

    private static ColumnProfile profile(Table table, int c, Column column) {
        ColumnProfile p = new ColumnProfile(column.name(), kind(column.type()));
        int n = table.rowCount();
        for (int r = 0; r < n; r++) {
            if (table.isNull(r, c)) {
                p.addMissing();
                continue;
            }
            switch (column.type()) {
                case DOUBLE -> p.add(table.doubleAt(r, c));
                case LONG, TIMESTAMP, DATE -> p.add((double) table.longAt(r, c));
                case BOOLEAN -> p.add(Boolean.toString(table.booleanAt(r, c)));
                default -> p.add(table.stringAt(r, c));
            }
        }
        return p;
    }

    private static ColumnProfile.Kind kind(ColumnType type) {
        return type == ColumnType.STRING || type == ColumnType.BOOLEAN ? ColumnProfile.Kind.CATEGORICAL
                : ColumnProfile.Kind.NUMERIC;
    }

    /**
     * Starts a profile built row by row, e.g. of a window of live traffic.
     *
     * @param schema the columns
     * @return an empty accumulator
     */
    public static Accumulator accumulator(Schema schema) {
        return new Accumulator(Checks.notNull("schema", schema));
    }

    /**
     * Rows profiled.
     *
     * @return the row count
     */
    public long rows() {
        return rows;
    }

    /**
     * The column profiles, in schema order.
     *
     * @return by name
     */
    public Map<String, ColumnProfile> columns() {
        return columns;
    }

    /**
     * One column's profile.
     *
     * @param name the column
     * @return its profile
     * @throws ValidationException if there is no such column
     */
    public ColumnProfile column(String name) {
        ColumnProfile c = columns.get(name);
        if (c == null) {
            throw new ValidationException("column", "be one of " + columns.keySet(), name);
        }
        return c;
    }

    /**
     * The profile of some columns only, e.g. of a training set's features without its label.
     *
     * @param names the columns to keep, in this order
     * @return a profile of those columns
     * @throws ValidationException if a column is missing
     */
    public DatasetProfile select(List<String> names) {
        Checks.notNull("names", names);
        return new DatasetProfile(rows, names.stream().map(this::column).toList());
    }

    /**
     * The profile of both datasets together; in any order the same within the sketches' error
     * bounds (counts, means, variances, minima and maxima exactly, up to floating-point rounding).
     *
     * @param other a profile with the same columns
     * @return a new profile; neither is changed
     * @throws ValidationException if the columns differ
     */
    public DatasetProfile merge(DatasetProfile other) {
        Checks.notNull("other", other);
        if (!columns.keySet().equals(other.columns.keySet())) {
            throw new ValidationException("profile columns", "be " + columns.keySet() + " to merge",
                    other.columns.keySet());
        }
        List<ColumnProfile> merged = new ArrayList<>();
        columns.forEach((name, c) -> merged.add(c.merge(other.columns.get(name))));
        return new DatasetProfile(rows + other.rows, merged);
    }

    /**
     * The profile as JSON, sketches included in their DataSketches binary forms (base64).
     *
     * @return the bytes
     */
    public byte[] toBytes() {
        return JSON.write(new Stored(FORMAT, rows, columns.values().stream().map(ColumnProfile::store).toList()));
    }

    /**
     * Reads a profile written by {@link #toBytes()}.
     *
     * @param bytes the JSON
     * @return the profile
     * @throws ValidationException if the bytes are not a profile
     */
    public static DatasetProfile fromBytes(byte[] bytes) {
        Checks.notNull("bytes", bytes);
        Stored stored;
        try {
            stored = JSON.read(bytes, Stored.class);
        } catch (RuntimeException e) {
            throw new ValidationException("profile", "be JSON written by DatasetProfile.toBytes()", e.getMessage());
        }
        if (!FORMAT.equals(stored.format()) || stored.columns() == null) {
            throw new ValidationException("profile format", "be " + FORMAT, stored.format());
        }
        try {
            return new DatasetProfile(stored.rows(), stored.columns().stream().map(ColumnProfile::restore).toList());
        } catch (RuntimeException e) {
            throw new ValidationException("profile", "hold readable column profiles", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "DatasetProfile[" + rows + " rows, columns " + columns.keySet() + "]";
    }

    private record Stored(String format, long rows, @Nullable List<ColumnProfile.Stored> columns) {
    }

    /**
     * Builds a profile row by row; not thread-safe.
     */
    public static final class Accumulator {
        private final Schema schema;
        private final ColumnProfile[] columns;
        private long rows;
        private boolean built;

        private Accumulator(Schema schema) {
            this.schema = schema;
            this.columns = schema.columns().stream().map(c -> new ColumnProfile(c.name(), kind(c.type())))
                    .toArray(ColumnProfile[]::new);
        }

        /**
         * Adds a row of numbers (all columns numeric).
         *
         * @param values one per column
         * @return this accumulator
         * @throws ValidationException if the row has another width or a column is categorical
         */
        public Accumulator addNumbers(double... values) {
            check(values.length);
            for (int c = 0; c < values.length; c++) {
                if (columns[c].kind() != ColumnProfile.Kind.NUMERIC) {
                    throw new ValidationException("row[" + c + "]", "be text for categorical column " + columns[c].name(),
                            values[c]);
                }
            }
            for (int c = 0; c < values.length; c++) {
                columns[c].add(values[c]);
            }
            rows++;
            return this;
        }

        /**
         * Adds a row of values: numbers for numeric columns, text or booleans for categorical ones,
         * {@code null} for missing.
         *
         * @param values one per column
         * @return this accumulator
         * @throws ValidationException if a value does not fit its column; nothing is added then
         */
        public Accumulator addRow(@Nullable Object... values) {
            check(values.length);
            for (int c = 0; c < values.length; c++) {
                Object v = values[c];
                boolean fits = v == null || (columns[c].kind() == ColumnProfile.Kind.NUMERIC ? v instanceof Number
                        : v instanceof String || v instanceof Boolean);
                if (!fits) {
                    throw new ValidationException("row[" + c + "] (" + columns[c].name() + ")",
                            columns[c].kind() == ColumnProfile.Kind.NUMERIC ? "be a number" : "be text or a boolean", v);
                }
            }
            for (int c = 0; c < values.length; c++) {
                Object v = values[c];
                if (v == null) {
                    columns[c].addMissing();
                } else if (v instanceof Number number) {
                    columns[c].add(number.doubleValue());
                } else {
                    columns[c].add(v.toString());
                }
            }
            rows++;
            return this;
        }

        private void check(int width) {
            if (built) {
                throw new ValidationException("accumulator", "not be used after build()", "built");
            }
            if (width != columns.length) {
                throw new ValidationException("row", "hold " + columns.length + " values " + schema.columns().stream().map(Column::name).toList(), width + " values");
            }
        }

        /**
         * Rows added so far.
         *
         * @return the count
         */
        public long rows() {
            return rows;
        }

        /**
         * The profile of the rows added; the accumulator cannot be used after.
         *
         * @return the profile
         */
        public DatasetProfile build() {
            built = true;
            return new DatasetProfile(rows, List.of(columns));
        }
    }
}
