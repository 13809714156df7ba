package dev.mlops.api;

import java.time.Duration;

/**
 * Argument checks shared by every module's builders, so that every rule fails with the same kind of
 * message: {@code "<field> must <rule>, was '<value>'"}, as a {@link ValidationException}.
 *
 * <pre>{@code
 * this.ttl = Checks.positive("ttl", ttl);     // "ttl must be positive, was 'PT-1S'"
 * this.threads = Checks.inRange("threads", threads, 1, 256);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Checks {
    private Checks() {
    }

    /**
     * Checks that a value is present.
     *
     * @param field the field being set
     * @param value the value
     * @param <T> the type of the value
     * @return {@code value}
     * @throws ValidationException if the value is {@code null}
     */
    public static <T> T notNull(String field, @Nullable T value) {
        if (value == null) {
            throw new ValidationException(field, "be set", null);
        }
        return value;
    }

    /**
     * Checks that a string has at least one non-whitespace character and at most {@code maxLength}
     * characters, none of them a control character.
     *
     * @param field the field being set
     * @param value the value
     * @param maxLength the longest value allowed
     * @return {@code value}
     * @throws ValidationException if the value is null, blank, too long or holds control characters
     */
    public static String text(String field, @Nullable String value, int maxLength) {
        notNull(field, value);
        if (value.isBlank()) {
            throw new ValidationException(field, "not be blank", value);
        }
        if (value.length() > maxLength) {
            throw new ValidationException(field, "be at most " + maxLength + " characters long", value);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new ValidationException(field, "not contain control characters", value);
            }
        }
        return value;
    }

    /**
     * Checks that a duration is longer than zero.
     *
     * @param field the field being set
     * @param value the duration
     * @return {@code value}
     * @throws ValidationException if the duration is null, zero or negative
     */
    public static Duration positive(String field, @Nullable Duration value) {
        notNull(field, value);
        if (value.isZero() || value.isNegative()) {
            throw new ValidationException(field, "be positive", value);
        }
        return value;
    }

    /**
     * Checks that a number lies within bounds, both included.
     *
     * @param field the field being set
     * @param value the number
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return {@code value}
     * @throws ValidationException if the number is out of bounds
     */
    public static int inRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ValidationException(field, "be between " + min + " and " + max, value);
        }
        return value;
    }
}
