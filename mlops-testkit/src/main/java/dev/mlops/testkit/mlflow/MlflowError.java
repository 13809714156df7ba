package dev.mlops.testkit.mlflow;

import java.util.Map;

/**
 * An error answered the way MLflow answers it: a JSON body {@code {"error_code": ..., "message": ...}}
 * with the HTTP status MLflow maps the error code to ({@code ERROR_CODE_TO_HTTP_STATUS} in
 * {@code mlflow/exceptions.py}).
 */
final class MlflowError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** MLflow's mapping of error codes to HTTP statuses; codes not listed answer 500. */
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("INTERNAL_ERROR", 500),
            Map.entry("INVALID_STATE", 500),
            Map.entry("DATA_LOSS", 500),
            Map.entry("NOT_IMPLEMENTED", 501),
            Map.entry("TEMPORARILY_UNAVAILABLE", 503),
            Map.entry("DEADLINE_EXCEEDED", 504),
            Map.entry("REQUEST_LIMIT_EXCEEDED", 429),
            Map.entry("RESOURCE_EXHAUSTED", 429),
            Map.entry("ABORTED", 409),
            Map.entry("RESOURCE_CONFLICT", 409),
            Map.entry("ALREADY_EXISTS", 409),
            Map.entry("NOT_FOUND", 404),
            Map.entry("ENDPOINT_NOT_FOUND", 404),
            Map.entry("RESOURCE_DOES_NOT_EXIST", 404),
            Map.entry("PERMISSION_DENIED", 403),
            Map.entry("CUSTOMER_UNAUTHORIZED", 401),
            Map.entry("UNAUTHENTICATED", 401),
            Map.entry("BAD_REQUEST", 400),
            Map.entry("RESOURCE_ALREADY_EXISTS", 400),
            Map.entry("INVALID_PARAMETER_VALUE", 400));

    private final String code;
    private final int status;

    MlflowError(String code, String message) {
        this(code, STATUS.getOrDefault(code, 500), message);
    }

    MlflowError(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    static MlflowError invalid(String message) {
        return new MlflowError("INVALID_PARAMETER_VALUE", message);
    }

    static MlflowError notFound(String message) {
        return new MlflowError("RESOURCE_DOES_NOT_EXIST", message);
    }

    static MlflowError exists(String message) {
        return new MlflowError("RESOURCE_ALREADY_EXISTS", message);
    }

    /** The error code MLflow uses for a 5xx status a fault answers with. */
    static String codeForStatus(int status) {
        switch (status) {
            case 501:
                return "NOT_IMPLEMENTED";
            case 503:
                return "TEMPORARILY_UNAVAILABLE";
            case 504:
                return "DEADLINE_EXCEEDED";
            default:
                return "INTERNAL_ERROR";
        }
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }
}
