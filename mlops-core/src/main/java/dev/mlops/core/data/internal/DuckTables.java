package dev.mlops.core.data.internal;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Tables into and out of DuckDB, for the offline store and Parquet files. */
public final class DuckTables {
    private DuckTables() {
    }

    /** Loads a table into a DuckDB table {@code name} with a row-number column first, through DuckDB's appender. */
    public static void load(Connection db, Statement sql, Table rows, String name, String rowColumn) throws SQLException {
        StringBuilder create = new StringBuilder("CREATE TABLE " + quote(name) + " (" + quote(rowColumn) + " BIGINT");
        for (Column c : rows.schema().columns()) {
            create.append(", ").append(quote(c.name())).append(' ').append(sqlType(c.type()));
        }
        sql.execute(create.append(')').toString());
        int width = rows.schema().size();
        try (DuckDBAppender appender = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, name)) {
            for (int r = 0; r < rows.rowCount(); r++) {
                appender.beginRow().append((long) r);
                for (int c = 0; c < width; c++) {
                    Object v = rows.value(r, c);
                    if (v == null) {
                        appender.appendNull();
                    } else if (v instanceof String) {
                        appender.append((String) v);
                    } else if (v instanceof Long) {
                        appender.append(((Long) v).longValue());
                    } else if (v instanceof Double) {
                        appender.append(((Double) v).doubleValue());
                    } else if (v instanceof Boolean) {
                        appender.append(((Boolean) v).booleanValue());
                    } else if (v instanceof Instant) {
                        appender.appendEpochMicros(ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) v));
                    } else {
                        appender.append((LocalDate) v);
                    }
                }
                appender.endRow();
            }
        }
    }

    /** Reads a result set into a table of a schema. */
    public static Table read(ResultSet rs, Schema schema) throws SQLException {
        return read(rs, schema, 16);
    }

    /** Reads a result set of about {@code expectedRows} rows into a table of a schema. */
    public static Table read(ResultSet rs, Schema schema, int expectedRows) throws SQLException {
        Table.Builder table = Table.builder(schema, expectedRows);
        int n = schema.size();
        while (rs.next()) {
            Object[] row = new Object[n];
            for (int c = 0; c < n; c++) {
                row[c] = value(rs, c + 1, schema.columns().get(c).type());
            }
            table.addRow(row);
        }
        return table.build();
    }

    /** Reads one value of a result set as the Java type of a column type ({@code null} for SQL NULL). */
    public static Object value(ResultSet rs, int i, ColumnType type) throws SQLException {
        switch (type) {
            case STRING:
                return rs.getString(i);
            case LONG:
                long l = rs.getLong(i);
                return rs.wasNull() ? null : l;
            case DOUBLE:
                double d = rs.getDouble(i);
                return rs.wasNull() ? null : d;
            case BOOLEAN:
                boolean b = rs.getBoolean(i);
                return rs.wasNull() ? null : b;
            case TIMESTAMP:
                LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                return t == null ? null : t.toInstant(ZoneOffset.UTC);
            default:
                return rs.getObject(i, LocalDate.class);
        }
    }

    /** The DuckDB type of a column type. */
    public static String sqlType(ColumnType type) {
        switch (type) {
            case STRING:
                return "VARCHAR";
            case LONG:
                return "BIGINT";
            case DOUBLE:
                return "DOUBLE";
            case BOOLEAN:
                return "BOOLEAN";
            case TIMESTAMP:
                return "TIMESTAMP";
            default:
                return "DATE";
        }
    }

    /** Quotes an identifier. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
