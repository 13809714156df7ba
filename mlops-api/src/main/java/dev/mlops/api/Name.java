package dev.mlops.api;

import java.util.Set;

/**
 * A validated name for anything the SDK stores or addresses: pipelines, steps, feature views,
 * models, endpoints, platforms. A valid name is always safe as a file path segment (on every
 * operating system), a Micrometer/Prometheus tag value and a Kafka header.
 *
 * <p>The rule: a lowercase ASCII letter, then up to 62 lowercase letters, digits, {@code _} or
 * {@code -}; never a device name reserved by Windows ({@code con}, {@code nul}, {@code com1}...).
 *
 * <pre>{@code
 * Name model = Name.of("movie-rater");       // ok
 * Name.of("Movie Rater");                    // ValidationException naming the value and the rule
 * String checked = Name.check("view", raw);  // validates a String field of a builder
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Name implements Comparable<Name> {
    /** The longest name allowed, in characters. */
    public static final int MAX_LENGTH = 63;

    /** The regular expression every name matches. */
    public static final String PATTERN = "[a-z][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}";

    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private final String value;

    private Name(String value) {
        this.value = value;
    }

    /**
     * Returns the name for a string, after checking it.
     *
     * @param value the name, e.g. {@code "movie-rater"}
     * @return the validated name
     * @throws ValidationException if the value breaks the rule, naming the value
     */
    public static Name of(@Nullable String value) {
        return new Name(check("name", value));
    }

    /**
     * Checks that a string is a valid name and returns it; for builders whose fields are strings.
     *
     * @param field the field being set, named in the error, e.g. {@code "pipeline.name"}
     * @param value the candidate name
     * @return {@code value}, unchanged
     * @throws ValidationException if the value breaks the rule
     */
    public static String check(String field, @Nullable String value) {
        if (value == null) {
            throw new ValidationException(field, "be a name matching " + PATTERN, null);
        }
        if (value.isEmpty()) {
            throw new ValidationException(field, "not be empty", value);
        }
        if (value.length() > MAX_LENGTH) {
            throw new ValidationException(field, "be at most " + MAX_LENGTH + " characters long", value);
        }
        char first = value.charAt(0);
        if (first < 'a' || first > 'z') {
            throw new ValidationException(field, "start with a lowercase letter a-z", value);
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                throw new ValidationException(field,
                        "contain only lowercase letters a-z, digits 0-9, '_' and '-'", value);
            }
        }
        if (value.length() <= 4 && RESERVED.contains(value)) {
            throw new ValidationException(field,
                    "not be a device name reserved by Windows (con, prn, aux, nul, com1-9, lpt1-9)", value);
        }
        return value;
    }

    /**
     * The name as a string.
     *
     * @return the validated string
     */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(Name other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Name && ((Name) other).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /**
     * The name as a string.
     *
     * @return the same as {@link #value()}
     */
    @Override
    public String toString() {
        return value;
    }
}
