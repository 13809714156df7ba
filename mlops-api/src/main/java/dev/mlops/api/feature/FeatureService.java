package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The features a model consumes, pinned to view versions, so that training and serving read the
 * same thing.
 *
 * <pre>{@code
 * FeatureService rater = FeatureService.builder("movie_rater_v1")
 *         .features(userStats)                          // every field of user_stats@1
 *         .feature(movieStats, "avg_rating")            // one field of movie_stats@2
 *         .build();
 * }</pre>
 *
 * @param name the service name
 * @param features the features, each {@code view@version:field}
 * @param description what it is for
 * @since 0.1.0
 */
public record FeatureService(String name, List<FeatureRef> features, String description) {
    /**
     * Checks the service.
     *
     * @param name the name
     * @param features the features
     * @param description the description
     */
    public FeatureService {
        Name.check("feature service name", name);
        features = List.copyOf(Checks.notNull("feature service " + name + " features", features));
        if (features.isEmpty()) {
            throw new ValidationException("feature service " + name + " features", "have at least one feature", "none");
        }
        List<String> seen = new ArrayList<>();
        for (FeatureRef ref : features) {
            String key = ref.view() + ":" + ref.feature();
            if (seen.contains(key)) {
                throw new ConflictException("feature service '" + name + "' lists " + key + " twice");
            }
            seen.add(key);
        }
        Checks.notNull("feature service " + name + " description", description);
    }

    /**
     * Starts a service.
     *
     * @param name a valid {@link Name}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(Name.check("feature service name", name));
    }

    /**
     * Builds a {@link FeatureService}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private final List<FeatureRef> features = new ArrayList<>();
        private String description = "";

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds every field of a view, pinned to its version.
         *
         * @param view the view
         * @return this builder
         */
        public Builder features(FeatureView view) {
            Checks.notNull("view", view);
            view.fields().forEach(f -> features.add(new FeatureRef(view.name(), view.version(), f.name())));
            return this;
        }

        /**
         * Adds one field of a view, pinned to its version.
         *
         * @param view the view
         * @param field a field of it
         * @return this builder
         */
        public Builder feature(FeatureView view, String field) {
            Checks.notNull("view", view);
            if (view.field(field).isEmpty()) {
                throw new ValidationException("feature service " + name + " feature", "be a field of "
                        + view.versionedName(), field);
            }
            features.add(new FeatureRef(view.name(), view.version(), field));
            return this;
        }

        /**
         * Adds every field of an on-demand view, pinned to its version.
         *
         * @param view the on-demand view
         * @return this builder
         */
        public Builder features(OnDemandFeatureView view) {
            Checks.notNull("view", view);
            view.fields().forEach(f -> features.add(new FeatureRef(view.name(), view.version(), f.name())));
            return this;
        }

        /**
         * Describes the service.
         *
         * @param text the description
         * @return this builder
         */
        public Builder description(String text) {
            this.description = text;
            return this;
        }

        /**
         * Creates the service.
         *
         * @return the service
         */
        public FeatureService build() {
            return new FeatureService(name, features, description);
        }
    }
}
