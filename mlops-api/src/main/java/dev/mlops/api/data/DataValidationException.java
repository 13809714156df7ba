package dev.mlops.api.data;

import dev.mlops.api.ValidationException;

/**
 * Data broke its expectations and the policy says to fail. Carries the full report.
 *
 * <pre>{@code
 * try {
 *     Table clean = checks.enforce(ctx, raw);
 * } catch (DataValidationException e) {
 *     e.report().failures().forEach(...);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public class DataValidationException extends ValidationException {
    private static final long serialVersionUID = 1L;

    /** The report; not serialized. */
    private final transient ValidationReport report;

    /**
     * Creates the exception.
     *
     * @param report what failed
     */
    public DataValidationException(ValidationReport report) {
        super(report.dataset(), report.summary());
        this.report = report;
    }

    /**
     * What failed.
     *
     * @return the report
     */
    public ValidationReport report() {
        return report;
    }
}
