package dev.mlops.core.data;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.core.data.internal.DuckTables;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads and writes Parquet files with an explicit {@link Schema}, through an in-process DuckDB:
 * training sets go to the format every data tool reads, and feature sources can be Parquet.
 *
 * <pre>{@code
 * ParquetFiles.write(training, Path.of("out/training.parquet"));   // written aside, then renamed
 * Table back = ParquetFiles.read(Path.of("out/training.parquet"), training.schema());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ParquetFiles {
    private ParquetFiles() {
    }

    /**
     * Writes a table as a Parquet file, atomically.
     *
     * @param table the table
     * @param file the target file
     */
    public static void write(Table table, Path file) {
        Checks.notNull("table", table);
        Checks.notNull("file", file);
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + ".part");
            Files.deleteIfExists(temp);
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement sql = db.createStatement()) {
                sql.execute("SET TimeZone = 'UTC'");
                DuckTables.load(db, sql, table, "t", "mlops_row");
                StringBuilder columns = new StringBuilder();
                for (Column c : table.schema().columns()) {
                    columns.append(columns.length() == 0 ? "" : ", ").append(DuckTables.quote(c.name()));
                }
                sql.execute("COPY (SELECT " + columns + " FROM t ORDER BY mlops_row) TO '"
                        + temp.toString().replace("'", "''") + "' (FORMAT parquet)");
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (SQLException | IOException e) {
            throw new MlopsException("cannot write " + target + ": " + e.getMessage(), e, true);
        }
    }

    /**
     * Reads the columns of a schema from a Parquet file (extra columns are ignored).
     *
     * @param file the file
     * @param schema the columns to read, cast to their declared types
     * @return the table, in file order
     */
    public static Table read(Path file, Schema schema) {
        Checks.notNull("file", file);
        Checks.notNull("schema", schema);
        StringBuilder columns = new StringBuilder();
        for (Column c : schema.columns()) {
            columns.append(columns.length() == 0 ? "" : ", ").append("CAST(").append(DuckTables.quote(c.name()))
                    .append(" AS ").append(DuckTables.sqlType(c.type())).append(")");
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = sql.executeQuery("SELECT " + columns + " FROM read_parquet('"
                    + file.toAbsolutePath().toString().replace("'", "''") + "')")) {
                return DuckTables.read(rs, schema);
            }
        } catch (SQLException e) {
            throw new MlopsException("cannot read " + file + ": " + e.getMessage(), e, false);
        }
    }
}
