package dev.mlops.api;

/**
 * A change clashes with the current state: the entity already exists with another definition, was
 * changed by someone else meanwhile, or is in a state that forbids the change. Never retryable as
 * is; read the current state and decide again.
 *
 * <pre>{@code
 * throw new ConflictException("feature view 'user_stats' already exists with another schema");
 * }</pre>
 *
 * @since 0.1.0
 */
public class ConflictException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what clashed with what, with the values
     */
    public ConflictException(String message) {
        super(message);
    }
}
