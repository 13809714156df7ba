package dev.mlops.core.data;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.core.platform.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes JSON Lines files — one JSON object per line — against an explicit {@link Schema}.
 * Reading is strict: {@code LONG} cells must be whole JSON numbers, {@code DOUBLE} cells numbers,
 * {@code BOOLEAN} cells {@code true}/{@code false}, {@code STRING} cells strings, {@code TIMESTAMP}
 * and {@code DATE} cells ISO-8601 strings; a missing key or {@code null} is null; other keys are
 * ignored; blank lines are skipped. The first bad value fails the read with its file, line and column.
 *
 * <pre>{@code
 * Table movies = JsonLinesFiles.read(Path.of("movies.jsonl"), schema, mlops.json());
 * JsonLinesFiles.write(movies, Path.of("out/movies.jsonl"), mlops.json());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class JsonLinesFiles {
    private JsonLinesFiles() {
    }

    /**
     * Reads a JSON Lines file.
     *
     * @param file the file, UTF-8
     * @param schema the columns to read
     * @param json the codec, whose size and depth limits apply to each line
     * @return the table
     * @throws ValidationException naming file, line and column of the first problem
     */
    public static Table read(Path file, Schema schema, JsonCodec json) {
        Checks.notNull("file", file);
        Checks.notNull("schema", schema);
        Checks.notNull("json", json);
        Table.Builder table = Table.builder(schema);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + number;
                Map<?, ?> object;
                try {
                    object = json.read(line, Map.class);
                } catch (ValidationException e) {
                    throw ValidationException.withCause(where, where + ": " + e.getMessage(), e);
                }
                table.addRow(row(schema, object, where));
            }
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
        return table.build();
    }

    /**
     * Writes a table as JSON Lines, atomically; nulls are written as JSON {@code null}.
     *
     * @param table the table
     * @param file the target file
     * @param json the codec
     */
    public static void write(Table table, Path file, JsonCodec json) {
        Checks.notNull("table", table);
        AtomicFiles.write(file, out -> {
            for (int r = 0; r < table.rowCount(); r++) {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int c = 0; c < table.schema().size(); c++) {
                    Object v = table.value(r, c);
                    ColumnType type = table.schema().columns().get(c).type();
                    object.put(table.schema().columns().get(c).name(),
                            v == null || type == ColumnType.STRING || type == ColumnType.LONG || type == ColumnType.DOUBLE
                                    || type == ColumnType.BOOLEAN ? v : v.toString());
                }
                out.write(json.writeString(object));
                out.write('\n');
            }
        });
    }

    /** The row a JSON object holds, by column name; {@code where} names it in errors. */
    static Object[] row(Schema schema, Map<?, ?> object, String where) {
        Object[] row = new Object[schema.size()];
        for (int c = 0; c < schema.size(); c++) {
            Column column = schema.columns().get(c);
            row[c] = cell(column, object.get(column.name()), where);
        }
        return row;
    }

    private static Object cell(Column column, Object value, String where) {
        if (value == null) {
            return null;
        }
        String field = where + " column '" + column.name() + "'";
        switch (column.type()) {
            case LONG:
                if (value instanceof Integer || value instanceof Long
                        || (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64)) {
                    return ((Number) value).longValue();
                }
                throw new ValidationException(field, "be a whole JSON number (LONG)", value);
            case DOUBLE:
                if (value instanceof Number) {
                    return ((Number) value).doubleValue();
                }
                throw new ValidationException(field, "be a JSON number (DOUBLE)", value);
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                throw new ValidationException(field, "be true or false (BOOLEAN)", value);
            default:
                if (!(value instanceof String)) {
                    throw new ValidationException(field, "be a JSON string (" + column.type() + ")", value);
                }
                return Cells.parse(column, (String) value, where);
        }
    }
}
