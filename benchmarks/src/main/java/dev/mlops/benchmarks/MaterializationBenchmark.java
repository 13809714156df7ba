package dev.mlops.benchmarks;

import dev.mlops.api.data.ColumnType;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Materialization of 1,000,000 feature rows (1,000,000 users, 3 double features, Parquet) into the
 * embedded online store, against a hand-written loader doing the least the same result needs:
 * the same DuckDB query for the latest row per key, each row written to RocksDB in batches of
 * 10,000 as a key and 32 bytes of values. The store also checks each row, keeps a newer stored row,
 * and checkpoints every chunk so that a killed run resumes.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class MaterializationBenchmark {
    static final int ROWS = 1_000_000;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant T1 = T0.plus(Duration.ofDays(1));

    /** The Parquet source, a platform with the view applied, and a bare RocksDB for the baseline. */
    @State(Scope.Benchmark)
    public static class Data {
        Path home;
        Path source;
        MlopsPlatform mlops;
        Options options;
        RocksDB bare;

        /** Generates the source with DuckDB and applies the definitions. */
        @Setup(Level.Trial)
        public void setUp() throws IOException, SQLException, RocksDBException {
            home = Files.createTempDirectory("mlops-materialize-bench-");
            source = home.resolve("users.parquet");
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
                sql.execute("SET TimeZone = 'UTC'");
                sql.execute("COPY (SELECT i AS user_id, TIMESTAMP '2026-01-01' + to_seconds(i % 80000) AS event_ts,"
                        + " i / 3.0 AS f1, i / 7.0 AS f2, i / 11.0 AS f3 FROM range(" + ROWS + ") t(i)) TO '" + source
                        + "' (FORMAT parquet)");
            }
            mlops = MlopsPlatform.embedded(home.resolve("home"));
            Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
            FeatureView view = FeatureView.builder("user_stats").entities("user").ttl(Duration.ofDays(2))
                    .field("f1", ColumnType.DOUBLE).field("f2", ColumnType.DOUBLE).field("f3", ColumnType.DOUBLE)
                    .source(FeatureSource.parquet(source, "event_ts")).build();
            mlops.features().apply(FeatureDefinitions.of(user, view));
            options = new Options().setCreateIfMissing(true);
            bare = RocksDB.open(options, home.resolve("bare").toString());
        }

        /** Closes everything and deletes the files. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mlops.close();
            bare.close();
            options.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    /** Materializes the day: every run rewrites the same 1,000,000 rows (equal event times replace). */
    @Benchmark
    public Map<String, Long> featureStore(Data d) {
        return d.mlops.features().materialize(T0, T1);
    }

    /** Baseline: the same latest-row query, written straight to RocksDB. */
    @Benchmark
    public long bareDuckDbToRocksDb(Data d) throws SQLException, RocksDBException {
        long written = 0;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement();
                WriteOptions write = new WriteOptions()) {
            sql.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = sql.executeQuery("SELECT user_id, epoch_us(event_ts), f1, f2, f3 FROM read_parquet('" + d.source
                    + "') WHERE event_ts >= TIMESTAMP '2026-01-01' AND event_ts < TIMESTAMP '2026-01-02'"
                    + " QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY event_ts DESC) = 1 ORDER BY user_id")) {
                WriteBatch batch = new WriteBatch();
                while (rs.next()) {
                    byte[] key = ByteBuffer.allocate(8).putLong(rs.getLong(1)).array();
                    byte[] value = ByteBuffer.allocate(32).putLong(rs.getLong(2)).putDouble(rs.getDouble(3))
                            .putDouble(rs.getDouble(4)).putDouble(rs.getDouble(5)).array();
                    batch.put(key, value);
                    if (++written % 10_000 == 0) {
                        d.bare.write(write, batch);
                        batch.close();
                        batch = new WriteBatch();
                    }
                }
                d.bare.write(write, batch);
                batch.close();
            }
        }
        return written;
    }
}
