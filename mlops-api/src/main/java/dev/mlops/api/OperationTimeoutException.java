package dev.mlops.api;

import java.time.Duration;

/**
 * An operation did not finish within its time limit. Retryable.
 *
 * <pre>{@code
 * throw new OperationTimeoutException("step 'train'", Duration.ofMinutes(10));
 * // "step 'train' timed out after PT10M"
 * }</pre>
 *
 * @since 0.1.0
 */
public class OperationTimeoutException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /** The exceeded limit. */
    private final Duration timeout;

    /**
     * Creates an exception.
     *
     * @param operation what timed out, e.g. {@code "step 'train'"}
     * @param timeout the limit that was exceeded
     */
    public OperationTimeoutException(String operation, Duration timeout) {
        super(operation + " timed out after " + timeout, null, true);
        this.timeout = timeout;
    }

    /**
     * The limit that was exceeded.
     *
     * @return the time limit
     */
    public Duration timeout() {
        return timeout;
    }
}
