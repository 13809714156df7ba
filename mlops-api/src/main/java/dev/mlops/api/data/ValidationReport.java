package dev.mlops.api.data;

import dev.mlops.api.Nullable;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link Expectations#validate} found: one result per expectation, and the rows set aside when
 * the policy is to quarantine.
 *
 * <pre>{@code
 * ValidationReport report = checks.validate(table, clock.instant());
 * if (!report.passed()) {
 *     report.failures().forEach(f -> log.warn("{}: {} rows, e.g. {}", f.expectation(), f.failedRows(), f.examples()));
 * }
 * }</pre>
 *
 * @param dataset the name of the data validated
 * @param rowCount the rows validated
 * @param results one result per expectation, in declaration order
 * @param quarantined the rows set aside (same schema), when the policy is to quarantine
 * @param reasons why each quarantined row was set aside, parallel to its rows
 * @since 0.1.0
 */
public record ValidationReport(String dataset, int rowCount, List<Result> results, @Nullable Table quarantined,
        List<String> reasons) {

    /**
     * Copies the lists.
     *
     * @param dataset the dataset name
     * @param rowCount the rows validated
     * @param results the results
     * @param quarantined the quarantined rows
     * @param reasons the reasons
     */
    public ValidationReport {
        results = List.copyOf(results);
        reasons = List.copyOf(reasons);
    }

    /**
     * The outcome of one expectation.
     *
     * @param expectation what was expected, e.g. {@code "stars between 1 and 5"}
     * @param column the column, or empty for table-level expectations
     * @param failedRows rows that broke it (0 for table-level expectations that held, 1 for those that did not)
     * @param examples up to 5 offending values or a description of the table-level problem
     * @param rowLevel whether the expectation is checked row by row (and so can quarantine)
     */
    public record Result(String expectation, Optional<String> column, int failedRows, List<String> examples,
            boolean rowLevel) {
        /**
         * Copies the examples.
         *
         * @param expectation what was expected
         * @param column the column
         * @param failedRows the rows that broke it
         * @param examples offending values
         * @param rowLevel whether it is checked per row
         */
        public Result {
            examples = List.copyOf(examples);
        }

        /**
         * Tells whether the expectation held.
         *
         * @return {@code true} if no row broke it
         */
        public boolean passed() {
            return failedRows == 0;
        }
    }

    /**
     * Tells whether every expectation held.
     *
     * @return {@code true} if nothing failed
     */
    public boolean passed() {
        return results.stream().allMatch(Result::passed);
    }

    /**
     * The expectations that did not hold.
     *
     * @return the failed results
     */
    public List<Result> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /**
     * The quarantined rows.
     *
     * @return the rows set aside, if the policy quarantined any
     */
    public Optional<Table> quarantinedRows() {
        return Optional.ofNullable(quarantined);
    }

    /**
     * One line per failed expectation.
     *
     * @return e.g. {@code "ratings: 2 of 5 expectations failed: stars between 1 and 5 (3 rows, e.g. [7, 9, 0])"}
     */
    public String summary() {
        List<Result> failed = failures();
        if (failed.isEmpty()) {
            return dataset + ": all " + results.size() + " expectations held on " + rowCount + " rows";
        }
        return dataset + ": " + failed.size() + " of " + results.size() + " expectations failed on " + rowCount
                + " rows: " + failed.stream().map(r -> r.expectation() + " (" + (r.rowLevel() ? r.failedRows()
                + " rows, e.g. " : "") + r.examples() + ")").collect(Collectors.joining("; "));
    }
}
