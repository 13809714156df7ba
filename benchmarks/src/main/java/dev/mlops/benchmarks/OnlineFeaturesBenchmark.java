package dev.mlops.benchmarks;

import dev.mlops.api.data.ColumnType;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.core.feature.RocksDbOnlineStore;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Online reads: a service of 50 double features of one view, materialized for 100,000 users into
 * the embedded RocksDB store, read for one random key and for 100 random keys, against the bare
 * {@link RocksDbOnlineStore#read} of the same rows (what the feature store adds: definitions,
 * key checks, TTL, per-value status and age). Sample mode gives the p99; the throughput pair runs
 * single-key reads on 2 threads. Materialization loads the same 100,000 rows from CSV.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnlineFeaturesBenchmark {
    static final int USERS = 100_000;
    static final int FEATURES = 50;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A platform whose online store holds 100,000 users × 50 features. */
    @State(Scope.Benchmark)
    public static class Store {
        Path home;
        MlopsPlatform mlops;
        RocksDbOnlineStore rocks;
        FeatureService service;

        /** Writes the CSV source, applies the definitions and materializes. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            home = Files.createTempDirectory("mlops-online-bench-");
            Path csv = writeSource(home.resolve("users.csv"));
            rocks = new RocksDbOnlineStore(home.resolve("online"));
            mlops = MlopsPlatform.builder().home(home).onlineStore(rocks)
                    .clock(Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
            Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
            FeatureView.Builder view = FeatureView.builder("user_profile").entities("user").ttl(Duration.ofDays(1))
                    .source(FeatureSource.csv(csv, "event_ts"));
            for (int f = 0; f < FEATURES; f++) {
                view.field("f" + f, ColumnType.DOUBLE);
            }
            FeatureView profile = view.build();
            service = FeatureService.builder("profile").features(profile).build();
            mlops.features().apply(FeatureDefinitions.of(user, profile, service));
            mlops.features().materialize(T0, T0.plus(Duration.ofHours(1)));
        }

        /** Closes the platform and the store, and deletes the files. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mlops.close();
            rocks.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    static Path writeSource(Path csv) throws IOException {
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("user_id,event_ts");
            for (int f = 0; f < FEATURES; f++) {
                out.write(",f" + f);
            }
            out.write('\n');
            for (int u = 0; u < USERS; u++) {
                out.write(u + "," + T0.plusSeconds(u % 3_000));
                for (int f = 0; f < FEATURES; f++) {
                    out.write("," + (u + f) / 7.0);
                }
                out.write('\n');
            }
        }
        return csv;
    }

    private static List<Map<String, Object>> randomKeys(int n) {
        List<Map<String, Object>> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(Map.of("user_id", (long) ThreadLocalRandom.current().nextInt(USERS)));
        }
        return keys;
    }

    private static List<List<Object>> randomRawKeys(int n) {
        List<List<Object>> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(List.of((long) ThreadLocalRandom.current().nextInt(USERS)));
        }
        return keys;
    }

    /** One key, 50 features, through the feature store. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<FeatureVector> oneKey(Store s) {
        return s.mlops.features().onlineFeatures(randomKeys(1), s.service);
    }

    /** Baseline: the same row straight from the online store. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<Optional<OnlineRow>> oneKeyBareStore(Store s) {
        return s.rocks.read("user_profile@1", randomRawKeys(1));
    }

    /** 100 keys, 50 features each, in one call. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<FeatureVector> hundredKeys(Store s) {
        return s.mlops.features().onlineFeatures(randomKeys(100), s.service);
    }

    /** Baseline: the same 100 rows straight from the online store. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<Optional<OnlineRow>> hundredKeysBareStore(Store s) {
        return s.rocks.read("user_profile@1", randomRawKeys(100));
    }

    /** Single-key lookups per second on 2 threads. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public List<FeatureVector> oneKeyThroughput(Store s) {
        return s.mlops.features().onlineFeatures(randomKeys(1), s.service);
    }

    /** Baseline: bare store reads per second on 2 threads. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public List<Optional<OnlineRow>> oneKeyThroughputBareStore(Store s) {
        return s.rocks.read("user_profile@1", randomRawKeys(1));
    }
}
