package dev.mlops.core.data;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Text cells parsed into column values, strictly: a value either has the column's form or is refused. */
final class Cells {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,19}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Cells() {
    }

    static @Nullable Object parse(Column column, String text, String where) {
        String field = where + " column '" + column.name() + "'";
        try {
            switch (column.type()) {
                case STRING:
                    return text;
                case LONG:
                    if (INTEGER.matcher(text).matches()) {
                        return Long.parseLong(text);
                    }
                    throw new ValidationException(field, "be a whole number (LONG)", text);
                case DOUBLE:
                    if (DECIMAL.matcher(text).matches()) {
                        return Double.parseDouble(text);
                    }
                    throw new ValidationException(field, "be a decimal number (DOUBLE)", text);
                case BOOLEAN:
                    String lower = text.toLowerCase(Locale.ROOT);
                    if (lower.equals("true") || lower.equals("false")) {
                        return Boolean.parseBoolean(lower);
                    }
                    throw new ValidationException(field, "be true or false (BOOLEAN)", text);
                case TIMESTAMP:
                    return OffsetDateTime.parse(text).toInstant();
                default:
                    return LocalDate.parse(text);
            }
        } catch (NumberFormatException e) {
            throw new ValidationException(field, "be a number that fits a " + column.type(), text);
        } catch (DateTimeParseException e) {
            throw new ValidationException(field, "be an ISO-8601 " + (column.type().javaType() == Instant.class
                    ? "timestamp with offset, e.g. 2026-01-01T10:00:00Z" : "date, e.g. 2026-01-01"), text);
        }
    }

    static String format(Object value) {
        return value.toString();
    }
}
