package dev.mlops.api.data;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;

/**
 * A named, typed column of a {@link Schema}.
 *
 * <pre>{@code
 * Column stars = Column.of("stars", ColumnType.LONG);
 * }</pre>
 *
 * @param name a valid {@link Name}
 * @param type the type
 * @since 0.1.0
 */
public record Column(String name, ColumnType type) {
    /**
     * Checks the column.
     *
     * @param name a valid {@link Name}
     * @param type the type
     */
    public Column {
        Name.check("column.name", name);
        Checks.notNull("column." + name + ".type", type);
    }

    /**
     * A column.
     *
     * @param name a valid {@link Name}
     * @param type the type
     * @return the column
     */
    public static Column of(String name, ColumnType type) {
        return new Column(name, type);
    }
}
