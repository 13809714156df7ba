package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A typed pipeline parameter, declared with {@link Pipeline.Builder#param(String, Class)} and read in
 * steps with {@link StepContext#param(Param)}. Values are checked when a run starts: the type must
 * match exactly (no coercion: {@code "3"} is not an {@code Integer}), required parameters must be
 * given, and the parameter's own check must hold.
 *
 * <pre>{@code
 * Param<Integer> minStars = p.param("min_stars", Integer.class).defaultValue(1)
 *         .check(v -> v >= 1 && v <= 5, "be between 1 and 5");
 * Param<LocalDate> day = p.param("day", LocalDate.class).required();
 * }</pre>
 *
 * @param <T> the value type: {@code String}, {@code Integer}, {@code Long}, {@code Double},
 *     {@code Boolean}, {@code Instant}, {@code LocalDate} or {@code Duration}
 * @since 0.1.0
 */
public final class Param<T> {
    /** The value types a parameter may have. */
    public static final Set<Class<?>> TYPES = Set.of(String.class, Integer.class, Long.class, Double.class,
            Boolean.class, Instant.class, LocalDate.class, Duration.class);

    private final Object owner;
    private final String name;
    private final Class<T> type;
    private @Nullable T defaultValue;
    private boolean required;
    private Predicate<? super T> check = v -> true;
    private String rule = "";
    private boolean frozen;

    Param(Object owner, String name, Class<T> type) {
        this.owner = owner;
        this.name = name;
        this.type = type;
    }

    /**
     * The parameter name.
     *
     * @return a valid {@link dev.mlops.api.Name}
     */
    public String name() {
        return name;
    }

    /**
     * The value type.
     *
     * @return the class
     */
    public Class<T> type() {
        return type;
    }

    /**
     * The value used when a run does not give one.
     *
     * @return the default, or {@code null} for none
     */
    public @Nullable T defaultValue() {
        return defaultValue;
    }

    /**
     * Tells whether every run must give a value.
     *
     * @return {@code true} if required
     */
    public boolean isRequired() {
        return required;
    }

    /**
     * Sets the default value.
     *
     * @param value a value that passes the check
     * @return this parameter
     */
    public Param<T> defaultValue(T value) {
        mutable();
        this.defaultValue = typed("param." + name + " default", value);
        return this;
    }

    /**
     * Makes the parameter required: a run without it is refused.
     *
     * @return this parameter
     */
    public Param<T> required() {
        mutable();
        this.required = true;
        return this;
    }

    /**
     * Adds a rule values must follow.
     *
     * @param check true for an allowed value
     * @param rule the rule, phrased to follow "must", e.g. {@code "be between 1 and 5"}
     * @return this parameter
     */
    public Param<T> check(Predicate<? super T> check, String rule) {
        mutable();
        this.check = Checks.notNull("param." + name + " check", check);
        this.rule = Checks.text("param." + name + " rule", rule, 200);
        return this;
    }

    /**
     * Checks a value given for this parameter and returns it (or the default when none is given).
     *
     * @param value the given value, or {@code null}
     * @return the value to use
     * @throws ValidationException naming the parameter if the value is missing, of another type or
     *     breaks the rule
     */
    public @Nullable T resolve(@Nullable Object value) {
        String field = "param." + name;
        if (value == null) {
            if (required) {
                throw new ValidationException(field, "be given (it is required)", null);
            }
            return defaultValue;
        }
        return typed(field, value);
    }

    boolean ownedBy(Object builder) {
        return owner == builder;
    }

    void freeze() {
        frozen = true;
    }

    private T typed(String field, @Nullable Object value) {
        Checks.notNull(field, value);
        if (!type.isInstance(value)) {
            throw new ValidationException(field, "be a " + type.getSimpleName() + ", not a "
                    + value.getClass().getSimpleName(), value);
        }
        T typed = type.cast(value);
        if (!check.test(typed)) {
            throw new ValidationException(field, rule, value);
        }
        return typed;
    }

    private void mutable() {
        if (frozen) {
            throw new MlopsException("param." + name + " belongs to a built pipeline and can no longer change");
        }
    }

    @Override
    public String toString() {
        return "Param[" + name + ": " + type.getSimpleName() + (required ? ", required" : "")
                + (defaultValue != null ? ", default " + defaultValue : "") + "]";
    }
}
