package dev.mlops.api;

/**
 * The root of every exception the SDK throws. All are unchecked; each carries a message that says
 * what was wrong, with the value, and what is allowed.
 *
 * <p>{@link #retryable()} tells a caller whether the same call may succeed if it is made again
 * unchanged (an overloaded queue, a timeout, a flaky remote store), or whether it never will (bad
 * input, a missing entity, a conflicting change).
 *
 * <pre>{@code
 * try {
 *     bus.publish(event);
 * } catch (MlopsException e) {
 *     if (e.retryable()) scheduleRetry(event); else throw e;
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public class MlopsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whether the same call may succeed when made again. */
    private final boolean retryable;

    /**
     * Creates an exception that is not retryable.
     *
     * @param message what went wrong, with the offending value
     */
    public MlopsException(String message) {
        this(message, null, false);
    }

    /**
     * Creates an exception.
     *
     * @param message what went wrong, with the offending value
     * @param cause the underlying failure, or {@code null}
     * @param retryable whether the same call may succeed when made again unchanged
     */
    public MlopsException(String message, @Nullable Throwable cause, boolean retryable) {
        this(message, cause, retryable, true);
    }

    /**
     * Creates an exception that may leave out its stack trace, for refusals that are answers rather
     * than faults (an overloaded queue) and must cost little to make.
     *
     * @param message what went wrong, with the offending value
     * @param cause the underlying failure, or {@code null}
     * @param retryable whether the same call may succeed when made again unchanged
     * @param stackTrace whether to capture the stack trace
     */
    protected MlopsException(String message, @Nullable Throwable cause, boolean retryable, boolean stackTrace) {
        super(message, cause, true, stackTrace);
        this.retryable = retryable;
    }

    /**
     * Tells whether the failed call may succeed if it is made again unchanged.
     *
     * @return {@code true} for transient failures such as overload and timeouts
     */
    public boolean retryable() {
        return retryable;
    }
}
