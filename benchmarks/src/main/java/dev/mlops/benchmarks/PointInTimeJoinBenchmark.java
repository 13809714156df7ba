package dev.mlops.benchmarks;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.data.ParquetFiles;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
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

/**
 * Point-in-time join of 1,000,000 entity rows (a {@link Table} in the JVM) against 5,000,000 feature
 * rows in Parquet (100,000 users, 3 double features, 30 days), through
 * {@code FeatureStore.historicalFeatures}, against the bare DuckDB a user would write by hand for the
 * same result in the JVM: append the entity rows, {@code ASOF LEFT JOIN} the Parquet file, read every
 * row back. The feature store also reduces rows with equal key and time to the one created last,
 * applies the TTL to each match, converts types and keeps the entity rows' order.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
public class PointInTimeJoinBenchmark {
    static final int ENTITY_ROWS = 1_000_000;
    static final int FEATURE_ROWS = 5_000_000;
    static final int USERS = 100_000;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The Parquet feature file, the entity rows and a platform with the view applied. */
    @State(Scope.Benchmark)
    public static class Data {
        Path home;
        Path features;
        Table entityRows;
        MlopsPlatform mlops;
        FeatureService service;

        /** Generates the data with DuckDB (seeded) and applies the definitions. */
        @Setup(Level.Trial)
        public void setUp() throws IOException, SQLException {
            home = Files.createTempDirectory("mlops-pit-bench-");
            features = home.resolve("user_stats.parquet");
            Path entities = home.resolve("entity_rows.parquet");
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
                sql.execute("SET TimeZone = 'UTC'");
                sql.execute("SELECT setseed(0.42)");
                sql.execute("COPY (SELECT i % " + USERS + " AS user_id,"
                        + " TIMESTAMP '2026-01-01' + to_seconds(CAST((i // " + USERS + ") * 51840 + hash(i) % 3600 AS BIGINT)) AS event_ts,"
                        + " random() AS f1, random() * 10 AS f2, random() * 100 AS f3"
                        + " FROM range(" + FEATURE_ROWS + ") t(i)) TO '" + features + "' (FORMAT parquet)");
                sql.execute("COPY (SELECT CAST(floor(random() * " + USERS + ") AS BIGINT) AS user_id,"
                        + " TIMESTAMP '2026-01-01' + to_seconds(CAST(floor(random() * 2592000) AS BIGINT)) AS ts"
                        + " FROM range(" + ENTITY_ROWS + ")) TO '" + entities + "' (FORMAT parquet)");
            }
            entityRows = ParquetFiles.read(entities, Schema.of(
                    Column.of("user_id", ColumnType.LONG), Column.of("ts", ColumnType.TIMESTAMP)));
            mlops = MlopsPlatform.embedded(home.resolve("home"));
            Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
            FeatureView stats = FeatureView.builder("user_stats").entities("user").ttl(Duration.ofDays(2))
                    .field("f1", ColumnType.DOUBLE).field("f2", ColumnType.DOUBLE).field("f3", ColumnType.DOUBLE)
                    .source(FeatureSource.parquet(features, "event_ts")).build();
            service = FeatureService.builder("stats").features(stats).build();
            mlops.features().apply(FeatureDefinitions.of(user, stats, service));
        }

        /** Closes the platform and deletes the files. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mlops.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    /** The feature store's point-in-time join. */
    @Benchmark
    public Table featureStore(Data d) {
        return d.mlops.features().historicalFeatures(d.entityRows, "ts", d.service);
    }

    /** Baseline: the same join written by hand on DuckDB, rows read back into the JVM. */
    @Benchmark
    public List<Object[]> bareDuckDbAsofJoin(Data d) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            sql.execute("CREATE TABLE e (user_id BIGINT, ts TIMESTAMP)");
            try (DuckDBAppender appender = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "e")) {
                for (int r = 0; r < d.entityRows.rowCount(); r++) {
                    appender.beginRow().append(d.entityRows.longAt(r, 0))
                            .appendEpochMicros(ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) d.entityRows.value(r, 1))).endRow();
                }
            }
            List<Object[]> rows = new ArrayList<>(d.entityRows.rowCount());
            try (ResultSet rs = sql.executeQuery("SELECT e.user_id, e.ts, f.f1, f.f2, f.f3 FROM e ASOF LEFT JOIN read_parquet('"
                    + d.features + "') f ON e.user_id = f.user_id AND e.ts >= f.event_ts")) {
                while (rs.next()) {
                    LocalDateTime ts = rs.getObject(2, LocalDateTime.class);
                    rows.add(new Object[] {rs.getLong(1), ts.toInstant(ZoneOffset.UTC), number(rs, 3), number(rs, 4), number(rs, 5)});
                }
            }
            return rows;
        }
    }

    private static Double number(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
