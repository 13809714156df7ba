package dev.mlops.mlflow;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;

/**
 * An error answer of an MLflow server: its HTTP status and MLflow error code (e.g.
 * {@code RESOURCE_DOES_NOT_EXIST}, {@code RESOURCE_ALREADY_EXISTS}, {@code INVALID_PARAMETER_VALUE}),
 * or a call that got no answer. Retryable when the server was unavailable (5xx, 429) or did not
 * answer in time; the message never carries credentials.
 *
 * <pre>{@code
 * try { ... } catch (MlflowException e) {
 *     if (e.errorCode().equals(MlflowException.RESOURCE_DOES_NOT_EXIST)) { ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowException extends MlopsException {
    /** The code of a missing experiment, run, model, version or alias. */
    public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    /** The code of a name that is taken. */
    public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    /** The code of a request the server refuses as malformed or against its rules. */
    public static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
    /** The code this client gives a call that got no answer (timeout, refused or closed connection). */
    public static final String NO_ANSWER = "NO_ANSWER";

    /** The HTTP status, 0 without an answer. */
    private final int status;
    /** The MLflow error code. */
    private final String errorCode;

    MlflowException(String message, int status, String errorCode, @Nullable Throwable cause, boolean retryable) {
        super(message, cause, retryable);
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * The HTTP status of the answer.
     *
     * @return the status, or 0 when there was no answer
     */
    public int status() {
        return status;
    }

    /**
     * The MLflow error code.
     *
     * @return e.g. {@link #RESOURCE_DOES_NOT_EXIST}; {@link #NO_ANSWER} when there was no answer
     */
    public String errorCode() {
        return errorCode;
    }

    boolean is(String code) {
        return errorCode.equals(code);
    }
}
