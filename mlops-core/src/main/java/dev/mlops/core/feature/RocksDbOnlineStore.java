package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded {@link OnlineStore}: the latest row of each key of each view version in RocksDB, so
 * that lookups come from memory (the block cache) and survive restarts. A row never replaces a newer
 * one, which makes loading the same rows twice harmless.
 *
 * <pre>{@code
 * try (OnlineStore online = new RocksDbOnlineStore(home.resolve("features/online"))) {
 *     online.write("user_stats@1", rows);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RocksDbOnlineStore implements OnlineStore {
    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();

    /**
     * Opens (or creates) the store in a directory; one process at a time may hold it.
     *
     * @param dir the directory
     * @throws MlopsException if RocksDB cannot open it, e.g. because another process holds it
     */
    public RocksDbOnlineStore(Path dir) {
        Checks.notNull("online.dir", dir);
        try {
            Files.createDirectories(dir);
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.toString());
        } catch (IOException | RocksDBException e) {
            throw new MlopsException("cannot open the online store in " + dir + ": " + e.getMessage(), e, true);
        }
    }

    @Override
    public synchronized long write(String view, List<OnlineRow> rows) {
        Checks.notNull("view", view);
        Checks.notNull("rows", rows);
        if (rows.isEmpty()) {
            return 0;
        }
        Map<ByteBuffer, OnlineRow> latest = new LinkedHashMap<>();
        for (OnlineRow row : rows) {
            latest.merge(ByteBuffer.wrap(key(view, row.keys())), row,
                    (a, b) -> b.eventTime().isBefore(a.eventTime()) ? a : b);
        }
        List<byte[]> keys = new ArrayList<>(latest.size());
        latest.keySet().forEach(k -> keys.add(k.array()));
        try (WriteBatch batch = new WriteBatch()) {
            List<byte[]> stored = db.multiGetAsList(keys);
            long written = 0;
            int i = 0;
            for (OnlineRow row : latest.values()) {
                byte[] old = stored.get(i);
                if (old == null || !eventTime(old).isAfter(row.eventTime())) {
                    batch.put(keys.get(i), encode(row.eventTime(), row.values()));
                    written++;
                }
                i++;
            }
            db.write(writeOptions, batch);
            return written;
        } catch (RocksDBException e) {
            throw new MlopsException("cannot write the online store: " + e.getMessage(), e, true);
        }
    }

    @Override
    public List<Optional<OnlineRow>> read(String view, List<List<Object>> keys) {
        Checks.notNull("view", view);
        Checks.notNull("keys", keys);
        if (keys.isEmpty()) {
            return List.of();
        }
        List<byte[]> encoded = new ArrayList<>(keys.size());
        for (List<Object> k : keys) {
            encoded.add(key(view, k));
        }
        try {
            List<byte[]> values = keys.size() == 1 ? Collections.singletonList(db.get(encoded.get(0)))
                    : db.multiGetAsList(encoded);
            List<Optional<OnlineRow>> rows = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i);
                rows.add(value == null ? Optional.empty() : Optional.of(decode(keys.get(i), value)));
            }
            return rows;
        } catch (RocksDBException e) {
            throw new MlopsException("cannot read the online store: " + e.getMessage(), e, true);
        }
    }

    @Override
    public synchronized long delete(String view) {
        Checks.notNull("view", view);
        byte[] start = prefix(view);
        long removed = 0;
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(start); it.isValid() && startsWith(it.key(), start); it.next()) {
                removed++;
            }
            byte[] stop = Arrays.copyOf(start, start.length);
            stop[stop.length - 1]++;
            db.deleteRange(start, stop);
        } catch (RocksDBException e) {
            throw new MlopsException("cannot delete from the online store: " + e.getMessage(), e, true);
        }
        return removed;
    }

    @Override
    public void close() {
        db.close();
        options.close();
        writeOptions.close();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] prefix(String view) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(view);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] key(String view, List<Object> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(view);
            for (Object k : keys) {
                if (k == null) {
                    throw new ValidationException("online key of " + view, "have no null value", keys);
                }
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

    private static Instant eventTime(byte[] bytes) {
        return Instant.EPOCH.plus(ByteBuffer.wrap(bytes).getLong(), ChronoUnit.MICROS);
    }

    private static OnlineRow decode(List<Object> keys, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Instant eventTime = Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
            int n = in.readInt();
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(readValue(in));
            }
            return new OnlineRow(keys, eventTime, values);
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
            throw new ValidationException("online value", "be a String, Long, Double, Boolean, Instant or LocalDate", v + " (" + v.getClass().getName() + ")");
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
