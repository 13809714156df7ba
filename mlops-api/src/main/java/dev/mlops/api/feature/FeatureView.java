package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A group of typed features of some entities, read from a source, valid for a time-to-live after
 * their event time. Views are versioned: a breaking change (a field removed or retyped, other
 * entities, another event-time column) needs a new version, and feature services pin the versions
 * they read.
 *
 * <pre>{@code
 * FeatureView userStats = FeatureView.builder("user_stats")
 *         .entities("user")
 *         .field("avg_rating", ColumnType.DOUBLE)
 *         .field("ratings_count", ColumnType.LONG)
 *         .ttl(Duration.ofDays(7))
 *         .source(FeatureSource.csv(Path.of("data/user_stats.csv"), "event_ts"))
 *         .owner("recs-team")
 *         .build();   // ValidationException("feature view user_stats ttl must be positive, was 'PT-1S'")
 * }</pre>
 *
 * @param name the view name
 * @param version the version, from 1
 * @param entities the names of the entities whose keys identify a row
 * @param fields the features
 * @param ttl how long after its event time a value may be used
 * @param source where rows come from
 * @param online whether values are materialized to the online store
 * @param owner who owns it
 * @param description what it holds
 * @param tags free-form tags
 * @since 0.1.0
 */
public record FeatureView(String name, int version, List<String> entities, List<Column> fields, Duration ttl,
        FeatureSource source, boolean online, String owner, String description, Map<String, String> tags) {
    /** The longest time-to-live: 100 years. */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);

    /**
     * Checks the view.
     *
     * @param name the name
     * @param version the version
     * @param entities the entities
     * @param fields the fields
     * @param ttl the time-to-live
     * @param source the source
     * @param online whether it is served online
     * @param owner the owner
     * @param description the description
     * @param tags the tags
     */
    public FeatureView {
        Name.check("feature view name", name);
        String where = "feature view " + name;
        Checks.inRange(where + " version", version, 1, 1_000_000);
        entities = List.copyOf(Checks.notNull(where + " entities", entities));
        if (entities.isEmpty()) {
            throw new ValidationException(where + " entities", "name at least one entity", "none");
        }
        entities.forEach(e -> Name.check(where + " entity", e));
        fields = List.copyOf(Checks.notNull(where + " fields", fields));
        if (fields.isEmpty()) {
            throw new ValidationException(where + " fields", "have at least one field", "none");
        }
        List<String> seen = new ArrayList<>();
        for (Column f : fields) {
            if (seen.contains(f.name())) {
                throw new ConflictException(where + " declares field '" + f.name() + "' twice");
            }
            seen.add(f.name());
        }
        Checks.positive(where + " ttl", ttl);
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new ValidationException(where + " ttl", "be at most " + MAX_TTL.toDays() + " days", ttl);
        }
        Checks.notNull(where + " source", source);
        if (seen.contains(source.timestampColumn())) {
            throw new ValidationException(where + " fields", "not include the event-time column of the source",
                    source.timestampColumn());
        }
        Checks.notNull(where + " owner", owner);
        Checks.notNull(where + " description", description);
        tags = Map.copyOf(Checks.notNull(where + " tags", tags));
    }

    /**
     * Starts a view at version 1.
     *
     * @param name a valid {@link Name}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(Name.check("feature view name", name));
    }

    /**
     * A field by name.
     *
     * @param field the field name
     * @return the field, if the view has it
     */
    public Optional<Column> field(String field) {
        return fields.stream().filter(f -> f.name().equals(field)).findFirst();
    }

    /**
     * The name and version, as services pin it.
     *
     * @return e.g. {@code user_stats@2}
     */
    public String versionedName() {
        return name + "@" + version;
    }

    /**
     * Builds a {@link FeatureView}; the record's constructor checks everything.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private int version = 1;
        private final List<String> entities = new ArrayList<>();
        private final List<Column> fields = new ArrayList<>();
        private Duration ttl;
        private FeatureSource source;
        private boolean online = true;
        private String owner = "";
        private String description = "";
        private final Map<String, String> tags = new LinkedHashMap<>();

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
         * Names the entities.
         *
         * @param names entity names
         * @return this builder
         */
        public Builder entities(String... names) {
            entities.addAll(List.of(names));
            return this;
        }

        /**
         * Adds a feature.
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
         * Sets the time-to-live.
         *
         * @param ttl positive, at most {@link #MAX_TTL}
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * Sets the source.
         *
         * @param source the source
         * @return this builder
         */
        public Builder source(FeatureSource source) {
            this.source = source;
            return this;
        }

        /**
         * Turns online serving off (or on).
         *
         * @param online {@code true} by default
         * @return this builder
         */
        public Builder online(boolean online) {
            this.online = online;
            return this;
        }

        /**
         * Names the owner.
         *
         * @param owner a team or person
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = owner;
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
         * Adds a tag.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder tag(String key, String value) {
            tags.put(Checks.text("feature view " + name + " tag key", key, 250), Checks.notNull("tag " + key, value));
            return this;
        }

        /**
         * Creates the view.
         *
         * @return the view
         */
        public FeatureView build() {
            return new FeatureView(name, version, entities, fields, ttl, source, online, owner, description, tags);
        }
    }
}
