package dev.mlops.core.feature;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded online store: the latest row of each key of each view version in RocksDB under
 * {@code <home>/features/online}, so that lookups come from memory and survive restarts. A row never
 * replaces a newer one, which makes loading the same rows twice harmless.
 */
final class RocksDbOnlineStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();

    /** One row: key values, event time and feature values, in view field order. */
    record Row(List<Object> keys, Instant eventTime, List<Object> values) {
    }

    /** A stored row. */
    record Stored(Instant eventTime, List<Object> values) {
    }

    RocksDbOnlineStore(Path dir) {
        try {
            Files.createDirectories(dir);
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.toString());
        } catch (IOException | RocksDBException e) {
            throw new MlopsException("cannot open the online store in " + dir + ": " + e.getMessage(), e, true);
        }
    }

    /** Writes rows of one view version, each only if no newer row of its key is stored. */
    synchronized long write(String view, List<Row> rows) {
        long written = 0;
        try (WriteBatch batch = new WriteBatch()) {
            for (Row row : rows) {
                byte[] key = key(view, row.keys());
                byte[] old = db.get(key);
                if (old != null && decode(old).eventTime().isAfter(row.eventTime())) {
                    continue;
                }
                batch.put(key, encode(row.eventTime(), row.values()));
                written++;
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new MlopsException("cannot write the online store: " + e.getMessage(), e, true);
        }
        return written;
    }

    Optional<Stored> read(String view, List<Object> keys) {
        try {
            byte[] value = db.get(key(view, keys));
            return value == null ? Optional.empty() : Optional.of(decode(value));
        } catch (RocksDBException e) {
            throw new MlopsException("cannot read the online store: " + e.getMessage(), e, true);
        }
    }

    @Override
    public void close() {
        db.close();
        options.close();
        writeOptions.close();
    }

    private static byte[] key(String view, List<Object> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(view);
            for (Object k : keys) {
                writeValue(out, k);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encode(Instant eventTime, List<Object> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, eventTime));
            out.writeInt(values.size());
            for (Object v : values) {
                writeValue(out, v);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static Stored decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Instant eventTime = Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
            int n = in.readInt();
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(readValue(in));
            }
            return new Stored(eventTime, values);
        } catch (IOException e) {
            throw new MlopsException("a stored online row is damaged: " + e, e, false);
        }
    }

    private static void writeValue(DataOutputStream out, @Nullable Object v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof String) {
            out.writeByte(1);
            byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } else if (v instanceof Long) {
            out.writeByte(2);
            out.writeLong((Long) v);
        } else if (v instanceof Double) {
            out.writeByte(3);
            out.writeDouble((Double) v);
        } else if (v instanceof Boolean) {
            out.writeByte(4);
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Instant) {
            out.writeByte(5);
            out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) v));
        } else if (v instanceof LocalDate) {
            out.writeByte(6);
            out.writeLong(((LocalDate) v).toEpochDay());
        } else {
            throw new IllegalArgumentException("unsupported online value " + v.getClass());
        }
    }

    private static @Nullable Object readValue(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 0:
                return null;
            case 1:
                return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            case 2:
                return in.readLong();
            case 3:
                return in.readDouble();
            case 4:
                return in.readBoolean();
            case 5:
                return Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
            case 6:
                return LocalDate.ofEpochDay(in.readLong());
            default:
                throw new IOException("unknown value tag " + tag);
        }
    }
}
