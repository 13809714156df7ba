package dev.mlops.api.data;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The type of a table column, and the Java type of its values.
 *
 * @since 0.1.0
 */
public enum ColumnType {
    /** Text; values are {@link String}. */
    STRING(String.class),
    /** 64-bit integers; values are {@link Long} ({@code Integer}, {@code Short}, {@code Byte} accepted when building). */
    LONG(Long.class),
    /** 64-bit floating point; values are {@link Double} ({@code Float} accepted when building). */
    DOUBLE(Double.class),
    /** Booleans; values are {@link Boolean}. */
    BOOLEAN(Boolean.class),
    /** Instants with microsecond precision; values are {@link Instant}. */
    TIMESTAMP(Instant.class),
    /** Calendar dates; values are {@link LocalDate}. */
    DATE(LocalDate.class);

    private final Class<?> javaType;

    ColumnType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /**
     * The Java type of the values.
     *
     * @return the class
     */
    public Class<?> javaType() {
        return javaType;
    }
}
