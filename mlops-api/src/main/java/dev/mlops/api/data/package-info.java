/**
 * Tabular data that steps pass along: the columnar, immutable {@link dev.mlops.api.data.Table} with
 * its {@link dev.mlops.api.data.Schema}, and declarative {@link dev.mlops.api.data.Expectations}
 * that validate it.
 *
 * <pre>{@code
 * Schema schema = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("stars", ColumnType.LONG));
 * Table ratings = Table.builder(schema).addRow("u1", 5L).addRow("u2", 3L).build();
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.data;
