package dev.mlops.api;

/**
 * An entity that was asked for by name does not exist. Never retryable.
 *
 * <pre>{@code
 * throw new NotFoundException("model", "movie-rater");   // "model 'movie-rater' not found"
 * }</pre>
 *
 * @since 0.1.0
 */
public class NotFoundException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /** The kind of entity looked up. */
    private final String kind;
    /** The name looked up. */
    private final String name;

    /**
     * Creates an exception for a missing entity.
     *
     * @param kind what kind of entity was looked up, e.g. {@code "model"}
     * @param name the name that was looked up
     */
    public NotFoundException(String kind, String name) {
        this(kind, name, "");
    }

    /**
     * Creates an exception for a missing entity, with a hint at what exists.
     *
     * @param kind what kind of entity was looked up, e.g. {@code "model"}
     * @param name the name that was looked up
     * @param hint what the caller may use instead, e.g. {@code "known: a, b"}; empty for none
     */
    public NotFoundException(String kind, String name, String hint) {
        super(kind + " '" + name + "' not found" + (hint.isEmpty() ? "" : "; " + hint));
        this.kind = kind;
        this.name = name;
    }

    /**
     * The kind of entity that was looked up.
     *
     * @return e.g. {@code "model"}, {@code "feature view"}, {@code "event bus provider"}
     */
    public String kind() {
        return kind;
    }

    /**
     * The name that was looked up.
     *
     * @return the name as given
     */
    public String name() {
        return name;
    }
}
