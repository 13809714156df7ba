package dev.mlops.core.data;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes CSV files (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes)
 * with a header row, against an explicit {@link Schema}. Reading is strict: every schema column must
 * be in the header, every cell must have its column's form (see the type table in the docs), an
 * empty unquoted cell is null and a quoted empty cell is the empty string; the first bad cell fails
 * the read with its file, line and column. Extra header columns are ignored.
 *
 * <pre>{@code
 * Table ratings = CsvFiles.read(Path.of("ratings.csv"), schema);
 * CsvFiles.write(ratings, Path.of("out/ratings.csv"));   // written to a temporary file, then renamed
 * }</pre>
 *
 * @since 0.1.0
 */
public final class CsvFiles {
    private CsvFiles() {
    }

    /**
     * Reads a CSV file.
     *
     * @param file the file, UTF-8
     * @param schema the columns to read
     * @return the table
     * @throws ValidationException naming file, line and column of the first problem
     */
    public static Table read(Path file, Schema schema) {
        Checks.notNull("file", file);
        Checks.notNull("schema", schema);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            RecordReader records = new RecordReader(reader);
            List<Field> header = records.next();
            if (header == null) {
                throw new ValidationException(file.toString(), "start with a header row", "an empty file");
            }
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                positions.put(header.get(i).text, i);
            }
            int[] source = new int[schema.size()];
            for (int c = 0; c < schema.size(); c++) {
                Integer position = positions.get(schema.columns().get(c).name());
                if (position == null) {
                    throw new ValidationException(file + " header", "name every schema column; missing '"
                            + schema.columns().get(c).name() + "'", positions.keySet());
                }
                source[c] = position;
            }
            Table.Builder table = Table.builder(schema);
            List<Field> record;
            while ((record = records.next()) != null) {
                String where = file + " line " + records.recordLine;
                if (record.size() == 1 && record.get(0).text.isEmpty() && !record.get(0).quoted) {
                    continue;
                }
                if (record.size() != header.size()) {
                    throw new ValidationException(where, "have " + header.size() + " fields like the header",
                            record.size() + " fields");
                }
                Object[] row = new Object[schema.size()];
                for (int c = 0; c < schema.size(); c++) {
                    Field f = record.get(source[c]);
                    row[c] = f.text.isEmpty() && !f.quoted ? null : Cells.parse(schema.columns().get(c), f.text, where);
                }
                table.addRow(row);
            }
            return table.build();
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
    }

    /**
     * Writes a table as CSV with a header row, atomically (temporary file, then rename).
     *
     * @param table the table
     * @param file the target file; its directory is created if missing
     */
    public static void write(Table table, Path file) {
        Checks.notNull("table", table);
        Checks.notNull("file", file);
        AtomicFiles.write(file, out -> {
            List<String> names = new ArrayList<>();
            table.schema().columns().forEach(c -> names.add(c.name()));
            writeRecord(out, names);
            for (int r = 0; r < table.rowCount(); r++) {
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < table.schema().size(); c++) {
                    Object v = table.value(r, c);
                    cells.add(v == null ? null : Cells.format(v));
                }
                writeRecord(out, cells);
            }
        });
    }

    private static void writeRecord(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String cell = cells.get(i);
            if (cell == null) {
                continue;
            }
            if (cell.isEmpty() || cell.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')
                    || !cell.strip().equals(cell)) {
                out.write('"');
                out.write(cell.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(cell);
            }
        }
        out.write("\r\n");
    }

    /** A parsed field: its text and whether it was quoted. */
    private record Field(String text, boolean quoted) {
    }

    /** Splits RFC 4180 records, tracking the line each starts on. */
    private static final class RecordReader {
        private final BufferedReader in;
        private int line = 1;
        int recordLine;

        RecordReader(BufferedReader in) {
            this.in = in;
        }

        List<Field> next() throws IOException {
            int ch = in.read();
            if (ch < 0) {
                return null;
            }
            recordLine = line;
            List<Field> fields = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            boolean quoted = false;
            while (true) {
                if (ch == '"' && text.length() == 0 && !quoted) {
                    quoted = true;
                    readQuoted(text);
                    ch = in.read();
                    if (ch != ',' && ch != '\n' && ch != '\r' && ch >= 0) {
                        throw new ValidationException("line " + line, "have nothing between a closing quote and the next comma",
                                (char) ch);
                    }
                    continue;
                }
                if (ch == ',' || ch == '\n' || ch == '\r' || ch < 0) {
                    fields.add(new Field(text.toString(), quoted));
                    text.setLength(0);
                    quoted = false;
                    if (ch == ',') {
                        ch = in.read();
                        continue;
                    }
                    if (ch == '\r') {
                        in.mark(1);
                        if (in.read() != '\n') {
                            in.reset();
                        }
                    }
                    if (ch >= 0) {
                        line++;
                    }
                    return fields;
                }
                text.append((char) ch);
                ch = in.read();
            }
        }

        private void readQuoted(StringBuilder text) throws IOException {
            int start = line;
            while (true) {
                int ch = in.read();
                if (ch < 0) {
                    throw new ValidationException("line " + start, "close every quoted field", "end of file inside quotes");
                }
                if (ch == '"') {
                    in.mark(1);
                    if (in.read() == '"') {
                        text.append('"');
                        continue;
                    }
                    in.reset();
                    return;
                }
                if (ch == '\n') {
                    line++;
                }
                text.append((char) ch);
            }
        }
    }
}
