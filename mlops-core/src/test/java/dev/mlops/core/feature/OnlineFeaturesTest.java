package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureValue.Status;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineFeaturesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };
    private Entity user;
    private FeatureView stats;
    private FeatureService service;

    @BeforeEach
    void data() throws IOException {
        StringBuilder csv = new StringBuilder("user_id,avg_rating,count,event_ts\n");
        Random random = new Random(5);
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 5; k++) {
                Instant at = T0.plus(Duration.ofMinutes(random.nextInt(10 * 24 * 60)));
                String rating = random.nextInt(10) == 0 ? "" : Double.toString(Math.round(random.nextDouble() * 50) / 10.0);
                csv.append("u").append(u).append(',').append(rating).append(',').append(random.nextInt(100)).append(',')
                        .append(at).append('\n');
            }
        }
        Path file = Files.writeString(dir.resolve("stats.csv"), csv);
        user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        stats = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("count", ColumnType.LONG).ttl(Duration.ofDays(2)).source(FeatureSource.csv(file, "event_ts")).build();
        service = FeatureService.builder("rater").features(stats).build();
    }

    @Test
    void onlineValuesEqualPointInTimeValuesAfterMaterializingUpToTheMoment() {
        Random random = new Random(11);
        for (int trial = 0; trial < 8; trial++) {
            Instant t = T0.plus(Duration.ofMinutes(random.nextInt(11 * 24 * 60)));
            Path home = dir.resolve("home-" + trial);
            try (MlopsPlatform mlops = MlopsPlatform.builder().home(home).clock(clock).build()) {
                mlops.features().apply(FeatureDefinitions.of(user, stats, service));
                mlops.features().materialize(Instant.EPOCH, t.plusNanos(1000));
                now.set(t);
                List<Map<String, Object>> keys = new ArrayList<>();
                Table.Builder rows = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING),
                        Column.of("ts", ColumnType.TIMESTAMP)));
                for (int u = 0; u < 32; u++) {
                    keys.add(Map.of("user_id", "u" + u));
                    rows.addRow("u" + u, t);
                }
                List<FeatureVector> online = mlops.features().onlineFeatures(keys, service);
                Table offline = mlops.features().historicalFeatures(rows.build(), "ts", service);
                for (int u = 0; u < 32; u++) {
                    assertThat(online.get(u).values().get("user_stats__avg_rating").value()).as("u%s at %s", u, t)
                            .isEqualTo(offline.value(u, 2));
                    assertThat(online.get(u).values().get("user_stats__count").value()).as("u%s at %s", u, t)
                            .isEqualTo(offline.value(u, 3));
                }
            }
        }
    }

    @Test
    void reportsTheStatusEventTimeAndAgeOfEveryValue() throws IOException {
        Path file = Files.writeString(dir.resolve("small.csv"), String.join("\n", "user_id,avg_rating,count,event_ts",
                "a,4.5,3,2026-01-01T00:00:00Z", "b,,2,2026-01-01T00:00:00Z", "c,1.0,1,2025-12-01T00:00:00Z", ""));
        FeatureView small = FeatureView.builder("small").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("count", ColumnType.LONG).ttl(Duration.ofDays(2)).source(FeatureSource.csv(file, "event_ts")).build();
        FeatureService smallService = FeatureService.builder("small_rater").features(small).build();
        now.set(T0.plus(Duration.ofHours(6)));
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).clock(clock).build()) {
            mlops.features().apply(FeatureDefinitions.of(user, small, smallService));
            List<String> materialized = new CopyOnWriteArrayList<>();
            mlops.eventBus().subscribe(EventTypes.FEATURE_MATERIALIZED, e -> materialized.add(e.subject().orElse("")));
            assertThat(mlops.features().materialize(Instant.EPOCH, T0.plusSeconds(1))).containsEntry("small@1", 3L);
            assertThat(mlops.features().materialize(Instant.EPOCH, T0.plusSeconds(1))).containsEntry("small@1", 3L);
            ((InProcessEventBus) mlops.eventBus()).close();   // drains the bus
            assertThat(materialized).containsExactly("small@1", "small@1");
            List<FeatureVector> vectors = mlops.features().onlineFeatures(List.of(Map.of("user_id", "a"), Map.of("user_id", "b"),
                    Map.of("user_id", "c"), Map.of("user_id", "zz")), smallService);
            FeatureValue a = vectors.get(0).values().get("small__avg_rating");
            assertThat(a.status()).isEqualTo(Status.PRESENT);
            assertThat(a.value()).isEqualTo(4.5);
            assertThat(a.eventTime()).contains(T0);
            assertThat(a.age()).contains(Duration.ofHours(6));
            assertThat(vectors.get(0).value("small__count", Long.class)).contains(3L);
            assertThat(vectors.get(1).values().get("small__avg_rating").status()).isEqualTo(Status.NULL);
            assertThat(vectors.get(2).values().get("small__avg_rating").status()).isEqualTo(Status.OUTSIDE_MAX_AGE);
            assertThat(vectors.get(2).values().get("small__avg_rating").value()).isNull();
            assertThat(vectors.get(3).values().get("small__avg_rating").status()).isEqualTo(Status.NOT_FOUND);
            assertThatThrownBy(() -> mlops.features().onlineFeatures(List.of(Map.of("id", "a")), smallService))
                    .isInstanceOf(ValidationException.class).hasMessageStartingWith("entity key must have a value for join key 'user_id'");
            assertThatThrownBy(() -> mlops.features().onlineFeatures(List.of(Map.of("user_id", 7)), smallService))
                    .hasMessage("entity key user_id must be a STRING (String), was '7'");
        }
        try (MlopsPlatform again = MlopsPlatform.builder().home(dir.resolve("home")).clock(clock).build()) {
            assertThat(again.features().onlineFeatures(List.of(Map.of("user_id", "a")), smallService).get(0)
                    .value("small__avg_rating", Double.class)).contains(4.5);
            assertThat(again.features().materializeIncremental(T0.plusSeconds(1))).containsEntry("small@1", 0L);
        }
    }

    @Test
    void countsEveryReturnedValueByViewAndStatusAndGaugesTheFreshnessOfTheView() throws IOException {
        Path file = Files.writeString(dir.resolve("small.csv"), String.join("\n", "user_id,avg_rating,count,event_ts",
                "a,4.5,3,2026-01-01T00:00:00Z", "b,,2,2025-12-31T23:00:00Z", "c,1.0,1,2025-12-01T00:00:00Z", ""));
        FeatureView small = FeatureView.builder("small").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("count", ColumnType.LONG).ttl(Duration.ofDays(2)).source(FeatureSource.csv(file, "event_ts")).build();
        FeatureService smallService = FeatureService.builder("small_rater").features(small).build();
        now.set(T0.plus(Duration.ofHours(6)));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).clock(clock).meterRegistry(meters).build()) {
            mlops.features().apply(FeatureDefinitions.of(user, small, smallService));
            assertThat(meters.find(MetricNames.FEATURE_FRESHNESS).gauges()).isEmpty();
            mlops.features().materialize(Instant.EPOCH, T0.plusSeconds(1));
            // the newest event time materialized is T0 (user a), six hours before now
            assertThat(meters.get(MetricNames.FEATURE_FRESHNESS).tag(MetricNames.TAG_VIEW, "small@1").gauge().value())
                    .isEqualTo(6 * 3600.0);
            now.set(T0.plus(Duration.ofHours(7)).plusMillis(500));
            assertThat(meters.get(MetricNames.FEATURE_FRESHNESS).tag(MetricNames.TAG_VIEW, "small@1").gauge().value())
                    .isEqualTo(7 * 3600 + 0.5);

            // a: present, present; b: null, present; c: outside_max_age x2; zz: not_found x2
            mlops.features().onlineFeatures(List.of(Map.of("user_id", "a"), Map.of("user_id", "b"), Map.of("user_id", "c"),
                    Map.of("user_id", "zz")), smallService);
            assertThat(lookups(meters, "small@1", "present")).isEqualTo(3.0);
            assertThat(lookups(meters, "small@1", "null")).isEqualTo(1.0);
            assertThat(lookups(meters, "small@1", "outside_max_age")).isEqualTo(2.0);
            assertThat(lookups(meters, "small@1", "not_found")).isEqualTo(2.0);

            mlops.features().onlineFeatures(List.of(Map.of("user_id", "a")), smallService);
            assertThatThrownBy(() -> mlops.features().onlineFeatures(List.of(Map.of("user_id", "a"), Map.of("id", "b")),
                    smallService)).isInstanceOf(ValidationException.class);
            // the failed read returned nothing and counted nothing
            assertThat(lookups(meters, "small@1", "present")).isEqualTo(5.0);
            assertThat(lookups(meters, "small@1", "null")).isEqualTo(1.0);
            assertThat(lookups(meters, "small@1", "outside_max_age")).isEqualTo(2.0);
            assertThat(lookups(meters, "small@1", "not_found")).isEqualTo(2.0);
            assertThat(meters.find(MetricNames.FEATURE_LOOKUPS).counters()).hasSize(4);
        }
    }

    private static double lookups(SimpleMeterRegistry meters, String view, String status) {
        return meters.get(MetricNames.FEATURE_LOOKUPS).tags(MetricNames.TAG_VIEW, view, MetricNames.TAG_STATUS, status)
                .counter().count();
    }
}
