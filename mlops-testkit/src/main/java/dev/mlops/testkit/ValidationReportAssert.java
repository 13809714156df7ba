package dev.mlops.testkit;

import dev.mlops.api.data.ValidationReport;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a data validation report; start with {@link MlopsAssertions#assertThat(ValidationReport)}.
 *
 * <pre>{@code
 * assertThat(expectations.validate("movies", table))
 *         .failed("not_null", "title").hasFailedRows("not_null", 3).hasQuarantined(3);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ValidationReportAssert extends AbstractAssert<ValidationReportAssert, ValidationReport> {

    ValidationReportAssert(ValidationReport actual) {
        super(actual, ValidationReportAssert.class);
    }

    /**
     * Checks that every expectation held.
     *
     * @return this
     */
    public ValidationReportAssert passed() {
        isNotNull();
        if (!actual.passed()) {
            failWithMessage("Expected %s to pass every expectation but: %s", actual.dataset(), actual.summary());
        }
        return this;
    }

    /**
     * Checks that an expectation failed on a column.
     *
     * @param expectation the expectation's name
     * @param column the column it checks
     * @return this
     */
    public ValidationReportAssert failed(String expectation, String column) {
        isNotNull();
        boolean found = actual.failures().stream().anyMatch(r -> r.expectation().equals(expectation)
                && r.column().map(column::equals).orElse(false));
        if (!found) {
            failWithMessage("Expected %s to fail <%s> on column <%s> but: %s", actual.dataset(), expectation, column,
                    actual.summary());
        }
        return this;
    }

    /**
     * Checks how many rows an expectation failed on, over all its columns.
     *
     * @param expectation the expectation's name
     * @param rows the expected count
     * @return this
     */
    public ValidationReportAssert hasFailedRows(String expectation, int rows) {
        isNotNull();
        int failed = actual.results().stream().filter(r -> r.expectation().equals(expectation))
                .mapToInt(ValidationReport.Result::failedRows).sum();
        if (failed != rows) {
            failWithMessage("Expected <%s> to fail on %s rows of %s but it failed on %s", expectation, rows, actual.dataset(),
                    failed);
        }
        return this;
    }

    /**
     * Checks how many rows were set aside.
     *
     * @param rows the expected count of quarantined rows
     * @return this
     */
    public ValidationReportAssert hasQuarantined(int rows) {
        isNotNull();
        int quarantined = actual.quarantinedRows().map(t -> t.rowCount()).orElse(0);
        if (quarantined != rows) {
            failWithMessage("Expected %s quarantined rows of %s but there were %s", rows, actual.dataset(), quarantined);
        }
        return this;
    }
}
