package dev.mlops.api;

/**
 * A bounded resource is full (a queue, a pool, a batch) and the call was refused without any effect.
 * Retryable: the same call may succeed once load drops. It carries no stack trace: a refusal is an
 * answer under load, not a fault, and must stay cheap when it is given many times a second.
 *
 * <pre>{@code
 * throw new OverloadedException("event queue of subscription 'drift-watch' is full (10000 events)");
 * }</pre>
 *
 * @since 0.1.0
 */
public class OverloadedException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message which resource is full, with its limit
     */
    public OverloadedException(String message) {
        super(message, null, true, false);
    }
}
