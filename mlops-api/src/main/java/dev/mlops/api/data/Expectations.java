package dev.mlops.api.data;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.pipeline.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Declarative checks of a {@link Table}, per column (type, not null, range, allowed values, unique,
 * pattern) and per table (row count, freshness), with a policy for failures: fail the step, or
 * quarantine the rows that break row-level checks and go on with the rest. Nothing is coerced: a
 * value either meets its expectation or is reported.
 *
 * <pre>{@code
 * Expectations checks = Expectations.builder("ratings")
 *         .column("user_id", c -> c.notNull().matches("u[0-9]+"))
 *         .column("stars", c -> c.type(ColumnType.DOUBLE).between(1, 5))
 *         .column("genre", c -> c.in("drama", "comedy", "horror"))
 *         .column("rating_id", c -> c.unique())
 *         .rowCount(1, 10_000_000)
 *         .freshness("rated_at", Duration.ofDays(2))
 *         .quarantine()
 *         .build();
 * Step<Table> clean = p.step("validate", raw, (ctx, t) -> checks.enforce(ctx, t));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Expectations {
    private static final int EXAMPLES = 5;

    private final String dataset;
    private final List<Check> checks;
    private final boolean quarantine;

    private Expectations(String dataset, List<Check> checks, boolean quarantine) {
        this.dataset = dataset;
        this.checks = List.copyOf(checks);
        this.quarantine = quarantine;
    }

    /**
     * Starts expectations for a dataset.
     *
     * @param dataset a valid {@link Name}, used in reports, errors and events
     * @return a builder
     */
    public static Builder builder(String dataset) {
        return new Builder(Name.check("expectations.dataset", dataset));
    }

    /**
     * The dataset name.
     *
     * @return the name
     */
    public String dataset() {
        return dataset;
    }

    /**
     * Tells whether row-level failures quarantine rows instead of failing.
     *
     * @return {@code true} for the quarantine policy
     */
    public boolean quarantines() {
        return quarantine;
    }

    /**
     * Checks a table.
     *
     * @param table the data
     * @param now the time freshness is measured against
     * @return the report; with the quarantine policy it holds the rows set aside
     * @throws dev.mlops.api.NotFoundException if an expectation names a column the table lacks
     */
    public ValidationReport validate(Table table, Instant now) {
        Checks.notNull("table", table);
        Checks.notNull("now", now);
        List<ValidationReport.Result> results = new ArrayList<>();
        Map<Integer, List<String>> badRows = new LinkedHashMap<>();
        for (Check check : checks) {
            results.add(check.run(table, now, badRows));
        }
        Table quarantined = null;
        List<String> reasons = new ArrayList<>();
        if (quarantine && !badRows.isEmpty()) {
            int[] rows = badRows.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            quarantined = table.select(rows);
            for (int row : rows) {
                reasons.add(String.join("; ", badRows.get(row)));
            }
        }
        return new ValidationReport(dataset, table.rowCount(), results, quarantined, reasons);
    }

    /**
     * Checks a table and applies the policy.
     *
     * @param table the data
     * @param now the time freshness is measured against
     * @return the table (without the quarantined rows, under the quarantine policy)
     * @throws DataValidationException if an expectation failed and the policy is to fail, or a
     *     table-level expectation (type, row count, freshness) failed under either policy
     */
    public Table enforce(Table table, Instant now) {
        return apply(table, validate(table, now));
    }

    /**
     * Checks a table inside a pipeline step: measures freshness with the platform clock, logs the
     * outcome and publishes {@link EventTypes#DATA_VALIDATION_PASSED} or
     * {@link EventTypes#DATA_VALIDATION_FAILED} (which the platform counts as data-quality metrics).
     *
     * @param ctx the step context
     * @param table the data
     * @return the table (without the quarantined rows, under the quarantine policy)
     * @throws DataValidationException as {@link #enforce(Table, Instant)}
     */
    public Table enforce(StepContext ctx, Table table) {
        ValidationReport report = validate(table, ctx.platform().clock().instant());
        if (report.passed()) {
            ctx.log().info("{}", report.summary());
        } else {
            ctx.log().warn("{}", report.summary());
        }
        ctx.platform().eventBus().publish(Event.builder(report.passed() ? EventTypes.DATA_VALIDATION_PASSED
                        : EventTypes.DATA_VALIDATION_FAILED)
                .source("/pipelines/" + ctx.pipeline()).subject(dataset).time(ctx.platform().clock().instant())
                .data("run_id", ctx.runId()).data("step", ctx.step()).data("rows", report.rowCount())
                .data("failed_expectations", report.failures().size())
                .data("quarantined_rows", report.quarantinedRows().map(Table::rowCount).orElse(0))
                .data("summary", report.summary()).build());
        return apply(table, report);
    }

    private Table apply(Table table, ValidationReport report) {
        if (report.passed()) {
            return table;
        }
        boolean tableLevelFailed = report.failures().stream().anyMatch(r -> !r.rowLevel());
        if (!quarantine || tableLevelFailed) {
            throw new DataValidationException(report);
        }
        BitSet bad = new BitSet();
        for (Check check : checks) {
            check.markBad(table, bad);
        }
        return table.filter(row -> !bad.get(row));
    }

    /** One expectation. */
    private abstract static class Check {
        final String description;
        final @Nullable String column;
        final boolean rowLevel;

        Check(String description, @Nullable String column, boolean rowLevel) {
            this.description = description;
            this.column = column;
            this.rowLevel = rowLevel;
        }

        ValidationReport.Result run(Table table, Instant now, Map<Integer, List<String>> badRows) {
            if (!rowLevel) {
                Optional<String> problem = tableProblem(table, now);
                return new ValidationReport.Result(description, Optional.ofNullable(column), problem.isPresent() ? 1 : 0,
                        problem.map(List::of).orElse(List.of()), false);
            }
            BitSet bad = new BitSet();
            markBad(table, bad);
            List<String> examples = new ArrayList<>();
            int col = table.schema().indexOf(column);
            for (int row = bad.nextSetBit(0); row >= 0; row = bad.nextSetBit(row + 1)) {
                if (examples.size() < EXAMPLES) {
                    examples.add(String.valueOf(table.value(row, col)));
                }
                badRows.computeIfAbsent(row, r -> new ArrayList<>()).add(description);
            }
            return new ValidationReport.Result(description, Optional.of(column), bad.cardinality(), examples, true);
        }

        void markBad(Table table, BitSet bad) {
        }

        Optional<String> tableProblem(Table table, Instant now) {
            return Optional.empty();
        }
    }

    /** A row-level check of one column's non-null values (or of nulls themselves). */
    private static final class RowCheck extends Check {
        private final ValuePredicate accepts;

        RowCheck(String column, String description, ValuePredicate accepts) {
            super(column + " " + description, column, true);
            this.accepts = accepts;
        }

        @Override
        void markBad(Table table, BitSet bad) {
            int col = table.schema().indexOf(column);
            for (int row = 0; row < table.rowCount(); row++) {
                if (!accepts.test(table, row, col)) {
                    bad.set(row);
                }
            }
        }
    }

    /** Decides whether one cell meets an expectation. */
    @FunctionalInterface
    private interface ValuePredicate {
        boolean test(Table table, int row, int column);
    }

    /**
     * Builds {@link Expectations}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String dataset;
        private final List<Check> checks = new ArrayList<>();
        private boolean quarantine;

        private Builder(String dataset) {
            this.dataset = dataset;
        }

        /**
         * Adds expectations for one column.
         *
         * @param column the column name
         * @param expectations adds them, e.g. {@code c -> c.notNull().between(1, 5)}
         * @return this builder
         */
        public Builder column(String column, Consumer<ColumnExpectations> expectations) {
            Name.check("expectations.column", column);
            Checks.notNull("expectations." + column, expectations);
            expectations.accept(new ColumnExpectations(column, checks));
            return this;
        }

        /**
         * Expects the row count within bounds.
         *
         * @param min the fewest rows
         * @param max the most rows
         * @return this builder
         */
        public Builder rowCount(int min, int max) {
            if (min < 0 || max < min) {
                throw new ValidationException("expectations.rowCount", "be 0 <= min <= max", min + ".." + max);
            }
            checks.add(new Check("row count between " + min + " and " + max, null, false) {
                @Override
                Optional<String> tableProblem(Table table, Instant now) {
                    int n = table.rowCount();
                    return n < min || n > max ? Optional.of(n + " rows") : Optional.empty();
                }
            });
            return this;
        }

        /**
         * Expects the newest timestamp of a column to be no older than {@code maxAge}.
         *
         * @param column a {@code TIMESTAMP} column
         * @param maxAge positive
         * @return this builder
         */
        public Builder freshness(String column, Duration maxAge) {
            Name.check("expectations.freshness column", column);
            Checks.positive("expectations.freshness maxAge", maxAge);
            checks.add(new Check(column + " fresher than " + maxAge, column, false) {
                @Override
                Optional<String> tableProblem(Table table, Instant now) {
                    int col = table.schema().indexOf(column);
                    if (table.schema().columns().get(col).type() != ColumnType.TIMESTAMP) {
                        return Optional.of("column is " + table.schema().columns().get(col).type() + ", not TIMESTAMP");
                    }
                    Instant newest = null;
                    for (int row = 0; row < table.rowCount(); row++) {
                        Instant t = (Instant) table.value(row, col);
                        if (t != null && (newest == null || t.isAfter(newest))) {
                            newest = t;
                        }
                    }
                    if (newest == null) {
                        return Optional.of("no timestamps");
                    }
                    return newest.isBefore(now.minus(maxAge)) ? Optional.of("newest is " + newest) : Optional.empty();
                }
            });
            return this;
        }

        /**
         * Sets the policy: set aside rows that break row-level expectations, and go on with the rest.
         * Table-level failures still fail.
         *
         * @return this builder
         */
        public Builder quarantine() {
            this.quarantine = true;
            return this;
        }

        /**
         * Creates the expectations.
         *
         * @return the expectations
         */
        public Expectations build() {
            return new Expectations(dataset, checks, quarantine);
        }
    }

    /**
     * The expectations of one column.
     *
     * @since 0.1.0
     */
    public static final class ColumnExpectations {
        private final String column;
        private final List<Check> checks;

        private ColumnExpectations(String column, List<Check> checks) {
            this.column = column;
            this.checks = checks;
        }

        /**
         * Expects the column to have a type.
         *
         * @param type the type
         * @return this
         */
        public ColumnExpectations type(ColumnType type) {
            Checks.notNull("expectations." + column + ".type", type);
            checks.add(new Check(column + " of type " + type, column, false) {
                @Override
                Optional<String> tableProblem(Table table, Instant now) {
                    ColumnType actual = table.schema().column(column).type();
                    return actual == type ? Optional.empty() : Optional.of("type is " + actual);
                }
            });
            return this;
        }

        /**
         * Expects no nulls.
         *
         * @return this
         */
        public ColumnExpectations notNull() {
            checks.add(new RowCheck(column, "not null", (t, row, col) -> !t.isNull(row, col)));
            return this;
        }

        /**
         * Expects numbers within bounds, both included; nulls are left to {@link #notNull()}.
         *
         * @param min the smallest allowed
         * @param max the largest allowed
         * @return this
         */
        public ColumnExpectations between(double min, double max) {
            if (!(min <= max)) {
                throw new ValidationException("expectations." + column + ".between", "have min <= max", min + ".." + max);
            }
            checks.add(new RowCheck(column, "between " + format(min) + " and " + format(max), (t, row, col) -> {
                if (t.isNull(row, col)) {
                    return true;
                }
                Object v = t.value(row, col);
                if (!(v instanceof Number)) {
                    return false;
                }
                double d = ((Number) v).doubleValue();
                return d >= min && d <= max;
            }));
            return this;
        }

        /**
         * Expects values from a fixed set; nulls are left to {@link #notNull()}.
         *
         * @param allowed the allowed values, of the column's Java type ({@code Long} for LONG columns)
         * @return this
         */
        public ColumnExpectations in(Object... allowed) {
            if (allowed.length == 0) {
                throw new ValidationException("expectations." + column + ".in", "list at least one value", "none");
            }
            Set<Object> values = new LinkedHashSet<>(List.of(allowed));
            checks.add(new RowCheck(column, "in " + values, (t, row, col) -> t.isNull(row, col)
                    || values.contains(t.value(row, col))));
            return this;
        }

        /**
         * Expects strings that match a regular expression as a whole; nulls are left to {@link #notNull()}.
         *
         * @param regex the pattern
         * @return this
         */
        public ColumnExpectations matches(String regex) {
            Checks.text("expectations." + column + ".matches", regex, 1000);
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new ValidationException("expectations." + column + ".matches", "be a regular expression", regex);
            }
            checks.add(new RowCheck(column, "matches " + regex, (t, row, col) -> t.isNull(row, col)
                    || pattern.matcher(String.valueOf(t.value(row, col))).matches()));
            return this;
        }

        /**
         * Expects no value twice; every row holding a repeated value breaks it. Nulls are not compared.
         *
         * @return this
         */
        public ColumnExpectations unique() {
            checks.add(new Check(column + " unique", column, true) {
                @Override
                void markBad(Table table, BitSet bad) {
                    int col = table.schema().indexOf(column);
                    Map<Object, Integer> first = new HashMap<>();
                    for (int row = 0; row < table.rowCount(); row++) {
                        Object v = table.value(row, col);
                        if (v == null) {
                            continue;
                        }
                        Integer earlier = first.putIfAbsent(v, row);
                        if (earlier != null) {
                            bad.set(earlier);
                            bad.set(row);
                        }
                    }
                }
            });
            return this;
        }

        private static String format(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
