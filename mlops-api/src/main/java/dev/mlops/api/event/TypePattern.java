package dev.mlops.api.event;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pattern over event types, used to subscribe. Types are dot-separated segments; in a pattern a
 * segment {@code *} matches exactly one segment and a last segment {@code **} matches one or more.
 *
 * <pre>{@code
 * TypePattern.of("dev.mlops.model.alias.changed")   // exactly that type
 * TypePattern.of("dev.mlops.pipeline.run.*")        // started, finished, failed
 * TypePattern.of("dev.mlops.**")                    // every SDK event
 * TypePattern.of("**")                              // everything
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TypePattern {
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]*|\\*|\\*\\*");

    private final String text;
    private final List<String> segments;

    private TypePattern(String text) {
        this.text = text;
        this.segments = List.of(text.split("\\.", -1));
    }

    /**
     * Parses a pattern.
     *
     * @param pattern the pattern text
     * @return the parsed pattern
     * @throws ValidationException if a segment is empty or holds other characters than lowercase
     *     letters, digits, {@code _} and {@code -}, or if {@code **} is not the last segment
     */
    public static TypePattern of(@Nullable String pattern) {
        Checks.text("typePattern", pattern, Event.MAX_TYPE_LENGTH);
        String[] parts = pattern.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (!SEGMENT.matcher(parts[i]).matches()) {
                throw new ValidationException("typePattern",
                        "be dot-separated segments of [a-z0-9_-], '*' or a last '**'", pattern);
            }
            if (parts[i].equals("**") && i != parts.length - 1) {
                throw new ValidationException("typePattern", "use '**' only as the last segment", pattern);
            }
        }
        return new TypePattern(pattern);
    }

    /**
     * Tells whether an event type matches this pattern.
     *
     * @param type an event type such as {@code "dev.mlops.model.alias.changed"}
     * @return {@code true} if it matches
     */
    public boolean matches(String type) {
        String[] parts = type.split("\\.", -1);
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.equals("**")) {
                return parts.length > i;
            }
            if (i >= parts.length || !(segment.equals("*") || segment.equals(parts[i]))) {
                return false;
            }
        }
        return parts.length == segments.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TypePattern && ((TypePattern) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /**
     * The pattern as it was written.
     *
     * @return the pattern text
     */
    @Override
    public String toString() {
        return text;
    }
}
