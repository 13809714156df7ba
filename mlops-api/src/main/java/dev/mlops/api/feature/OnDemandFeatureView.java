package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Features computed at read time by a Java function over request data (values the caller sends
 * with each entity row or key) and features of other views, the same way online and offline, so
 * that training and serving cannot skew. The definition (inputs and fields) is stored when applied;
 * the function lives in the JVM, so a process that reads on-demand features applies the
 * definitions that hold them first (applying unchanged definitions is a no-op).
 *
 * <pre>{@code
 * OnDemandFeatureView ratingGap = OnDemandFeatureView.builder("rating_gap")
 *         .request("user_rating", ColumnType.DOUBLE)
 *         .input(new FeatureRef("movie_stats", 1, "mean_rating"))
 *         .field("gap", ColumnType.DOUBLE)
 *         .transformation(in -> {
 *             Double mean = (Double) in.get("movie_stats__mean_rating");
 *             return Collections.singletonMap("gap", mean == null ? null : (Double) in.get("user_rating") - mean);
 *         })
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class OnDemandFeatureView {
    private final String name;
    private final int version;
    private final List<Column> request;
    private final List<FeatureRef> inputs;
    private final List<Column> fields;
    private final String description;
    private final Transformation transformation;

    /** The function of an on-demand view. */
    @FunctionalInterface
    public interface Transformation {
        /**
         * Computes the view's fields for one row.
         *
         * @param inputs request values by column name and input features by full name
         *     ({@code view__feature}); a missing input feature is {@code null}
         * @return a value (or {@code null}) for fields of the view, of the field's type; fields left
         *     out are {@code null}
         */
        Map<String, Object> apply(Map<String, Object> inputs);
    }

    private OnDemandFeatureView(Builder b) {
        this.name = Name.check("on-demand view", b.name);
        this.version = Checks.inRange("on-demand view " + b.name + " version", b.version, 1, 1_000_000);
        this.request = List.copyOf(b.request);
        this.inputs = List.copyOf(b.inputs);
        this.fields = List.copyOf(b.fields);
        this.description = Checks.notNull("on-demand view " + b.name + " description", b.description);
        this.transformation = Checks.notNull("on-demand view " + b.name + " transformation", b.transformation);
        if (fields.isEmpty()) {
            throw new ValidationException("on-demand view " + name + " fields", "hold at least one field", fields);
        }
        if (request.isEmpty() && inputs.isEmpty()) {
            throw new ValidationException("on-demand view " + name + " inputs", "name request columns or input features",
                    "none");
        }
        List<String> names = new ArrayList<>();
        request.forEach(c -> names.add(c.name()));
        inputs.forEach(f -> names.add(f.fullName()));
        fields.forEach(c -> names.add(c.name()));
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw new ValidationException("on-demand view " + name + " column", "be named once among request columns,"
                        + " inputs and fields", names.get(i));
            }
        }
        for (FeatureRef input : inputs) {
            if (input.view().equals(name)) {
                throw new ValidationException("on-demand view " + name + " input", "come from another view", input);
            }
        }
    }

    /**
     * Starts a definition.
     *
     * @param name a valid {@link Name}, distinct from every feature view's
     * @return the builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The version.
     *
     * @return from 1
     */
    public int version() {
        return version;
    }

    /**
     * The name with the version.
     *
     * @return e.g. {@code rating_gap@1}
     */
    public String versionedName() {
        return name + "@" + version;
    }

    /**
     * The request columns the caller supplies.
     *
     * @return the columns
     */
    public List<Column> request() {
        return request;
    }

    /**
     * The features of other views it reads.
     *
     * @return the references
     */
    public List<FeatureRef> inputs() {
        return inputs;
    }

    /**
     * The fields it computes.
     *
     * @return the fields
     */
    public List<Column> fields() {
        return fields;
    }

    /**
     * A field by name.
     *
     * @param field the name
     * @return the field, if defined
     */
    public Optional<Column> field(String field) {
        return fields.stream().filter(f -> f.name().equals(field)).findFirst();
    }

    /**
     * The description.
     *
     * @return the text, possibly empty
     */
    public String description() {
        return description;
    }

    /**
     * The function.
     *
     * @return the transformation
     */
    public Transformation transformation() {
        return transformation;
    }

    /**
     * Tells whether another view has the same definition (name, version, request columns, inputs,
     * fields and description); functions cannot be compared.
     *
     * @param o another object
     * @return whether the definitions are equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof OnDemandFeatureView && sameDefinition((OnDemandFeatureView) o);
    }

    private boolean sameDefinition(OnDemandFeatureView v) {
        return name.equals(v.name) && version == v.version && request.equals(v.request) && inputs.equals(v.inputs)
                && fields.equals(v.fields) && description.equals(v.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, request, inputs, fields, description);
    }

    @Override
    public String toString() {
        return "OnDemandFeatureView[" + versionedName() + ", request=" + request + ", inputs=" + inputs + ", fields="
                + fields + "]";
    }

    /**
     * Builds an {@link OnDemandFeatureView}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private int version = 1;
        private final List<Column> request = new ArrayList<>();
        private final List<FeatureRef> inputs = new ArrayList<>();
        private final List<Column> fields = new ArrayList<>();
        private String description = "";
        private Transformation transformation;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the version; bump it for a breaking change.
         *
         * @param version from 1
         * @return this builder
         */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /**
         * Adds a request column.
         *
         * @param column a valid {@link Name}
         * @param type its type
         * @return this builder
         */
        public Builder request(String column, ColumnType type) {
            request.add(Column.of(column, type));
            return this;
        }

        /**
         * Adds an input feature of another view.
         *
         * @param feature the reference
         * @return this builder
         */
        public Builder input(FeatureRef feature) {
            inputs.add(Checks.notNull("on-demand view " + name + " input", feature));
            return this;
        }

        /**
         * Adds a computed field.
         *
         * @param field a valid {@link Name}
         * @param type its type
         * @return this builder
         */
        public Builder field(String field, ColumnType type) {
            fields.add(Column.of(field, type));
            return this;
        }

        /**
         * Describes the view.
         *
         * @param description the text
         * @return this builder
         */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /**
         * Sets the function.
         *
         * @param transformation the function
         * @return this builder
         */
        public Builder transformation(Transformation transformation) {
            this.transformation = transformation;
            return this;
        }

        /**
         * Creates the view.
         *
         * @return the view
         * @throws ValidationException if a name repeats, nothing is computed or there are no inputs
         */
        public OnDemandFeatureView build() {
            return new OnDemandFeatureView(this);
        }
    }
}
