package dev.mlops.core.data.internal;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Tables into and out of DuckDB, for the offline store and Parquet files. */
public final class DuckTables {
    private DuckTables() {
    }

    /** Loads a table into a temporary DuckDB table {@code name} with a row-number column first. */
    public static void load(Connection db, Statement sql, Table rows, String name, String rowColumn) throws SQLException {
        StringBuilder create = new StringBuilder("CREATE TEMP TABLE " + name + " (" + rowColumn + " BIGINT");
        StringBuilder insert = new StringBuilder("INSERT INTO " + name + " VALUES (?");
        for (Column c : rows.schema().columns()) {
            create.append(", ").append(quote(c.name())).append(' ').append(sqlType(c.type()));
            insert.append(", ?");
        }
        sql.execute(create.append(')').toString());
        try (PreparedStatement ps = db.prepareStatement(insert.append(')').toString())) {
            for (int r = 0; r < rows.rowCount(); r++) {
                ps.setLong(1, r);
                for (int c = 0; c < rows.schema().size(); c++) {
                    Object v = rows.value(r, c);
                    int p = c + 2;
                    if (v == null) {
                        ps.setNull(p, Types.NULL);
                    } else if (v instanceof Instant) {
                        ps.setObject(p, LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC));
                    } else {
                        ps.setObject(p, v);
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Reads a result set into a table of a schema. */
    public static Table read(ResultSet rs, Schema schema) throws SQLException {
        Table.Builder table = Table.builder(schema);
        int n = schema.size();
        while (rs.next()) {
            Object[] row = new Object[n];
            for (int c = 0; c < n; c++) {
                ColumnType type = schema.columns().get(c).type();
                int i = c + 1;
                switch (type) {
                    case STRING:
                        row[c] = rs.getString(i);
                        break;
                    case LONG:
                        long l = rs.getLong(i);
                        row[c] = rs.wasNull() ? null : l;
                        break;
                    case DOUBLE:
                        double d = rs.getDouble(i);
                        row[c] = rs.wasNull() ? null : d;
                        break;
                    case BOOLEAN:
                        boolean b = rs.getBoolean(i);
                        row[c] = rs.wasNull() ? null : b;
                        break;
                    case TIMESTAMP:
                        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                        row[c] = t == null ? null : t.toInstant(ZoneOffset.UTC);
                        break;
                    default:
                        row[c] = rs.getObject(i, LocalDate.class);
                }
            }
            table.addRow(row);
        }
        return table.build();
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
