package dev.mlops.testkit.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one request, read from the JSON body (POST, PATCH, DELETE) or the query string
 * (GET), with MLflow's checks: a required field that is absent or empty answers
 * {@code INVALID_PARAMETER_VALUE} "Missing value for required parameter ...", and a field of the
 * wrong type answers {@code INVALID_PARAMETER_VALUE} "Invalid value ... for parameter ...". Numbers
 * may come as JSON numbers or as decimal strings, as protobuf's JSON parser accepts both.
 */
final class Params {
    private static final String SEE_DOCS = " See the API docs for more information about request parameters.";

    private final ObjectNode fields;

    Params(ObjectNode fields) {
        this.fields = fields;
    }

    ObjectNode node() {
        return fields;
    }

    boolean has(String field) {
        JsonNode value = fields.get(field);
        return value != null && !value.isNull();
    }

    String required(String field) {
        String value = string(field);
        if (value == null || value.isEmpty()) {
            throw missing(field);
        }
        return value;
    }

    @Nullable
    String string(String field) {
        JsonNode value = fields.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(field, value);
        }
        return value.asText();
    }

    /** The field, or the deprecated field MLflow reads when the first is absent (run_id, run_uuid). */
    String requiredEither(String field, String deprecated) {
        String value = string(field);
        if (value == null || value.isEmpty()) {
            value = string(deprecated);
        }
        if (value == null || value.isEmpty()) {
            throw missing(field);
        }
        return value;
    }

    @Nullable
    Long longValue(String field) {
        JsonNode value = fields.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                throw wrongType(field, value);
            }
        }
        throw wrongType(field, value);
    }

    long requiredLong(String field) {
        Long value = longValue(field);
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    double requiredDouble(String field) {
        JsonNode value = fields.get(field);
        if (value == null || value.isNull()) {
            throw missing(field);
        }
        return number(field, value);
    }

    @Nullable
    Boolean bool(String field) {
        JsonNode value = fields.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw wrongType(field, value);
    }

    /** A repeated string field: a JSON array of strings, or one or more query parameters. */
    List<String> strings(String field) {
        JsonNode value = fields.get(field);
        List<String> values = new ArrayList<>();
        if (value == null || value.isNull()) {
            return values;
        }
        if (value.isTextual()) {
            values.add(value.asText());
            return values;
        }
        if (!value.isArray()) {
            throw wrongType(field, value);
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw wrongType(field, value);
            }
            values.add(item.asText());
        }
        return values;
    }

    /** A repeated message field (tags, metrics, params): each item a JSON object. */
    List<Params> objects(String field) {
        JsonNode value = fields.get(field);
        List<Params> values = new ArrayList<>();
        if (value == null || value.isNull()) {
            return values;
        }
        if (!value.isArray()) {
            throw wrongType(field, value);
        }
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw wrongType(field, value);
            }
            values.add(new Params((ObjectNode) item));
        }
        return values;
    }

    static double number(String field, JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual()) {
            String text = value.asText().trim();
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw wrongType(field, value);
                    }
            }
        }
        throw wrongType(field, value);
    }

    static MlflowError missing(String field) {
        return MlflowError.invalid("Missing value for required parameter '" + field + "'." + SEE_DOCS);
    }

    static MlflowError wrongType(String field, JsonNode value) {
        return MlflowError.invalid("Invalid value " + value + " for parameter '" + field + "' supplied." + SEE_DOCS);
    }
}
