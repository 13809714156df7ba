package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded {@link OnlineStore}: the latest row of each key of each view version in RocksDB, so
 * that lookups come from memory (the block cache) and survive restarts. Rows are merged, not read
 * and replaced: RocksDB's {@code max} merge operator keeps the row with the latest event time (of
 * equal times the one written last), so a row never replaces a newer one, loading the same rows
 * twice is harmless, and a write costs no read.
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

    /** The default block cache: 256 MiB, so that a store of a few million rows is read from memory. */
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;

    private final Options options;
    private final Cache cache;
    private final Filter filter;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, byte[]> prefixes = new ConcurrentHashMap<>();
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096));

    /**
     * Opens (or creates) the store in a directory with a {@link #DEFAULT_CACHE_BYTES} block cache.
     *
     * @param dir the directory
     * @throws MlopsException if RocksDB cannot open it, e.g. because another process holds it
     */
    public RocksDbOnlineStore(Path dir) {
        this(dir, DEFAULT_CACHE_BYTES);
    }

    /**
     * Opens (or creates) the store in a directory; one process at a time may hold it. Lookups use a
     * Bloom filter per file and an LRU block cache.
     *
     * @param dir the directory
     * @param cacheBytes the block cache's size, at least 1 MiB
     * @throws MlopsException if RocksDB cannot open it, e.g. because another process holds it
     */
    public RocksDbOnlineStore(Path dir, long cacheBytes) {
        Checks.notNull("online.dir", dir);
        if (cacheBytes < 1L << 20) {
            throw new ValidationException("online.cacheBytes", "be at least 1 MiB (1048576)", cacheBytes);
        }
        try {
            Files.createDirectories(dir);
            cache = new LRUCache(cacheBytes);
            filter = new BloomFilter(10);
            options = new Options().setCreateIfMissing(true).setMergeOperatorName("max").setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter)
                            .setCacheIndexAndFilterBlocks(true).setPinL0FilterAndIndexBlocksInCache(true));
            db = RocksDB.open(options, dir.toString());
        } catch (IOException | RocksDBException e) {
            throw new MlopsException("cannot open the online store in " + dir + ": " + e.getMessage(), e, true);
        }
    }

    @Override
    public long write(String view, List<OnlineRow> rows) {
        Checks.notNull("view", view);
        Checks.notNull("rows", rows);
        if (rows.isEmpty()) {
            return 0;
        }
        long sequence = reserve(rows.size());
        try (WriteBatch batch = new WriteBatch()) {
            for (OnlineRow row : rows) {
                batch.merge(key(view, row.keys()), encode(row.eventTime(), sequence++, row.values()));
            }
            db.write(writeOptions, batch);
            return rows.size();
        } catch (RocksDBException e) {
            throw new MlopsException("cannot write the online store: " + e.getMessage(), e, true);
        }
    }

    /**
     * Reserves {@code n} write sequence numbers larger than every earlier one, also across restarts
     * (they start from the wall clock in microseconds); returns the first.
     */
    private long reserve(int n) {
        long now = micros(Instant.now());
        return sequence.updateAndGet(s -> Math.max(s, now) + n) - n + 1;
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
        filter.close();
        cache.close();
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

    private byte[] key(String view, List<Object> keys) {
        ByteBuffer out = BUFFER.get().clear();
        out.put(prefixes.computeIfAbsent(view, RocksDbOnlineStore::prefix));
        for (Object k : keys) {
            if (k == null) {
                throw new ValidationException("online key of " + view, "have no null value", keys);
            }
            out = put(out, k);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * A stored row: event time and write sequence first, as unsigned big-endian numbers, so that
     * RocksDB's built-in {@code max} merge operator (which compares bytes) keeps the row with the
     * latest event time, and of equal times the one written last.
     */
    private static byte[] encode(Instant eventTime, long sequence, List<Object> values) {
        ByteBuffer out = BUFFER.get().clear();
        out.putLong(micros(eventTime) ^ Long.MIN_VALUE).putLong(sequence).putInt(values.size());
        for (Object v : values) {
            out = put(out, v);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /** Appends a value, growing the thread's buffer when it is full; returns the buffer to go on with. */
    private static ByteBuffer put(ByteBuffer out, @Nullable Object v) {
        byte[] utf8 = v instanceof String ? ((String) v).getBytes(StandardCharsets.UTF_8) : null;
        int needed = utf8 != null ? 5 + utf8.length : 9;
        if (out.remaining() < needed) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + needed));
            bigger.put(out.array(), 0, out.position());
            BUFFER.set(bigger);
            out = bigger;
        }
        if (v == null) {
            out.put((byte) 0);
        } else if (utf8 != null) {
            out.put((byte) 1).putInt(utf8.length).put(utf8);
        } else if (v instanceof Long) {
            out.put((byte) 2).putLong((Long) v);
        } else if (v instanceof Double) {
            out.put((byte) 3).putDouble((Double) v);
        } else if (v instanceof Boolean) {
            out.put((byte) 4).put((byte) ((Boolean) v ? 1 : 0));
        } else if (v instanceof Instant) {
            out.put((byte) 5).putLong(micros((Instant) v));
        } else if (v instanceof LocalDate) {
            out.put((byte) 6).putLong(((LocalDate) v).toEpochDay());
        } else {
            throw new ValidationException("online value", "be a String, Long, Double, Boolean, Instant or LocalDate",
                    v + " (" + v.getClass().getName() + ")");
        }
        return out;
    }

    private static OnlineRow decode(List<Object> keys, byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            Instant eventTime = micros(in.getLong() ^ Long.MIN_VALUE);
            in.getLong();
            int n = in.getInt();
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(readValue(in));
            }
            return new OnlineRow(keys, eventTime, values);
        } catch (RuntimeException e) {
            throw new MlopsException("a stored online row is damaged: " + e, e, false);
        }
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private static @Nullable Object readValue(ByteBuffer in) {
        int tag = in.get() & 0xFF;
        switch (tag) {
            case 0:
                return null;
            case 1:
                byte[] utf8 = new byte[in.getInt()];
                in.get(utf8);
                return new String(utf8, StandardCharsets.UTF_8);
            case 2:
                return in.getLong();
            case 3:
                return in.getDouble();
            case 4:
                return in.get() != 0;
            case 5:
                return micros(in.getLong());
            case 6:
                return LocalDate.ofEpochDay(in.getLong());
            default:
                throw new IllegalStateException("unknown value tag " + tag);
        }
    }
}
