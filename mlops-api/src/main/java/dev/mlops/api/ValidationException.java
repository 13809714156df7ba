package dev.mlops.api;

/**
 * Bad input: a field of a definition, an argument or an external document broke a rule. Thrown at
 * the boundary before anything changes, so nothing is left half done. Never retryable.
 *
 * <pre>{@code
 * Name.of("Movie Rater");
 * // ValidationException: name must match [a-z][a-z0-9_-]{0,62} ..., was 'Movie Rater'
 * }</pre>
 *
 * @since 0.1.0
 */
public class ValidationException extends MlopsException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN_VALUE = 200;

    /** The rejected field. */
    private final String field;

    /**
     * Creates an exception whose message is {@code "<field> must <rule>, was '<value>'"}.
     *
     * @param field the name of the field or argument that was rejected
     * @param rule what the field must be, phrased to follow "must", e.g. {@code "be positive"}
     * @param value the rejected value; long values are shortened in the message
     */
    public ValidationException(String field, String rule, @Nullable Object value) {
        super(field + " must " + rule + ", was " + show(value));
        this.field = field;
    }

    private ValidationException(String field, String message, @Nullable Throwable cause, boolean unused) {
        super(message, cause, false);
        this.field = field;
    }

    /**
     * Creates an exception with a message of its own, for subclasses that describe richer failures.
     *
     * @param field the name of the field or dataset that was rejected
     * @param message the full message, naming the field and what was wrong
     */
    protected ValidationException(String field, String message) {
        this(field, message, null, false);
    }

    /**
     * Creates an exception with a message of its own, for input rejected by a parser or library.
     *
     * <pre>{@code
     * throw ValidationException.withCause("event", "event JSON is malformed: " + e.getOriginalMessage(), e);
     * }</pre>
     *
     * @param field the name of the field or document that was rejected
     * @param message the full message, naming the field and the value
     * @param cause the underlying failure
     * @return the exception, to be thrown
     */
    public static ValidationException withCause(String field, String message, Throwable cause) {
        return new ValidationException(field, message, cause, false);
    }

    /**
     * The field or argument that was rejected.
     *
     * @return the field name as the user wrote it, e.g. {@code "event.type"}
     */
    public String field() {
        return field;
    }

    private static String show(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        String text = String.valueOf(value);
        if (text.length() > MAX_SHOWN_VALUE) {
            text = text.substring(0, MAX_SHOWN_VALUE) + "...(" + text.length() + " chars)";
        }
        return "'" + text + "'";
    }
}
