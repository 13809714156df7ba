package dev.mlops.core.data;

import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact binary form of {@link Table}s: a header (magic {@code MLTB}, version, row count, the
 * schema), then each column's values, with a null flag per cell. Pipelines journal and cache table
 * outputs with it by themselves; reading checks every count and type and refuses anything malformed.
 *
 * <pre>{@code
 * byte[] bytes = TableCodec.INSTANCE.encode(ratings);
 * Table back = TableCodec.INSTANCE.decode(bytes);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TableCodec implements Codec<Table> {
    /** The shared instance; the codec has no state. */
    public static final TableCodec INSTANCE = new TableCodec();
    /** The codec name recorded in journals. */
    public static final String NAME = "table-v1";

    private static final int MAGIC = 0x4D4C5442;
    private static final int VERSION = 1;

    private TableCodec() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(Table table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(table.rowCount());
            out.writeInt(table.schema().size());
            for (Column column : table.schema().columns()) {
                out.writeUTF(column.name());
                out.writeByte(column.type().ordinal());
            }
            for (int c = 0; c < table.schema().size(); c++) {
                ColumnType type = table.schema().columns().get(c).type();
                for (int r = 0; r < table.rowCount(); r++) {
                    boolean isNull = table.isNull(r, c);
                    out.writeBoolean(isNull);
                    if (isNull) {
                        continue;
                    }
                    switch (type) {
                        case STRING:
                            writeString(out, table.stringAt(r, c));
                            break;
                        case DOUBLE:
                            out.writeDouble(table.doubleAt(r, c));
                            break;
                        case BOOLEAN:
                            out.writeBoolean(table.booleanAt(r, c));
                            break;
                        default:
                            out.writeLong(table.longAt(r, c));
                    }
                }
            }
        } catch (IOException e) {
            throw new MlopsException("cannot encode table: " + e, e, false);
        }
        return bytes.toByteArray();
    }

    @Override
    public Table decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new ValidationException("table bytes", "start with the MLTB magic number", "other bytes");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new ValidationException("table version", "be " + VERSION, version);
            }
            int rows = in.readInt();
            int columns = in.readInt();
            if (rows < 0 || columns < 1 || columns > Schema.MAX_COLUMNS) {
                throw new ValidationException("table header", "have rows >= 0 and 1.." + Schema.MAX_COLUMNS + " columns",
                        rows + " rows, " + columns + " columns");
            }
            List<Column> schema = new ArrayList<>();
            ColumnType[] types = ColumnType.values();
            for (int c = 0; c < columns; c++) {
                String name = in.readUTF();
                int type = in.readUnsignedByte();
                if (type >= types.length) {
                    throw new ValidationException("table column " + name + " type", "be 0.." + (types.length - 1), type);
                }
                schema.add(Column.of(name, types[type]));
            }
            Object[][] cells = new Object[rows][columns];
            for (int c = 0; c < columns; c++) {
                ColumnType type = schema.get(c).type();
                for (int r = 0; r < rows; r++) {
                    if (in.readBoolean()) {
                        continue;
                    }
                    switch (type) {
                        case STRING:
                            cells[r][c] = readString(in);
                            break;
                        case DOUBLE:
                            cells[r][c] = in.readDouble();
                            break;
                        case BOOLEAN:
                            cells[r][c] = in.readBoolean();
                            break;
                        case TIMESTAMP:
                            cells[r][c] = Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
                            break;
                        case DATE:
                            cells[r][c] = LocalDate.ofEpochDay(in.readLong());
                            break;
                        default:
                            cells[r][c] = in.readLong();
                    }
                }
            }
            if (in.available() > 0) {
                throw new ValidationException("table bytes", "end after the last column", in.available() + " extra bytes");
            }
            Table.Builder builder = Table.builder(Schema.of(schema));
            for (Object[] row : cells) {
                builder.addRow(row);
            }
            return builder.build();
        } catch (IOException e) {
            throw ValidationException.withCause("table bytes", "table bytes are cut short or malformed: " + e, e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new ValidationException("table string", "fit in the remaining bytes", length + " bytes");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
