package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * What features describe — a user, a movie — and the typed keys that identify one.
 *
 * <pre>{@code
 * Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).description("a viewer").build();
 * }</pre>
 *
 * @param name the entity name
 * @param joinKeys the key columns, at least one
 * @param description what it is
 * @since 0.1.0
 */
public record Entity(String name, List<Column> joinKeys, String description) {
    /**
     * Checks the entity.
     *
     * @param name the name
     * @param joinKeys the keys
     * @param description the description
     */
    public Entity {
        Name.check("entity.name", name);
        joinKeys = List.copyOf(Checks.notNull("entity." + name + ".joinKeys", joinKeys));
        if (joinKeys.isEmpty()) {
            throw new ValidationException("entity." + name + ".joinKeys", "have at least one key", "none");
        }
        for (Column key : joinKeys) {
            if (key.type() == ColumnType.DOUBLE) {
                throw new ValidationException("entity." + name + " join key " + key.name(),
                        "have an exact type (STRING, LONG, BOOLEAN, DATE, TIMESTAMP), not DOUBLE", key.type());
            }
        }
        Checks.notNull("entity." + name + ".description", description);
    }

    /**
     * Starts an entity.
     *
     * @param name a valid {@link Name}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(Name.check("entity.name", name));
    }

    /**
     * Builds an {@link Entity}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private final List<Column> keys = new ArrayList<>();
        private String description = "";

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds a join key.
         *
         * @param key the key column name
         * @param type its type
         * @return this builder
         */
        public Builder joinKey(String key, ColumnType type) {
            Column column = Column.of(key, type);
            if (keys.stream().anyMatch(k -> k.name().equals(key))) {
                throw new ConflictException("entity '" + name + "' declares join key '" + key + "' twice");
            }
            keys.add(column);
            return this;
        }

        /**
         * Describes the entity.
         *
         * @param text the description
         * @return this builder
         */
        public Builder description(String text) {
            this.description = Checks.notNull("entity." + name + ".description", text);
            return this;
        }

        /**
         * Creates the entity.
         *
         * @return the entity
         */
        public Entity build() {
            return new Entity(name, keys, description);
        }
    }
}
