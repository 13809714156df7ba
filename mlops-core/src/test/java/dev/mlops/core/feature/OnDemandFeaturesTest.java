package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeaturePlan;
import dev.mlops.api.feature.FeatureRef;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureValue.Status;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OnDemandFeatureView;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnDemandFeaturesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final Entity movie = Entity.builder("movie").joinKey("movie_id", ColumnType.LONG).build();
    private FeatureView stats;
    private final OnDemandFeatureView gap = OnDemandFeatureView.builder("rating_gap")
            .request("user_rating", ColumnType.DOUBLE)
            .input(new FeatureRef("movie_stats", 1, "mean_rating"))
            .field("gap", ColumnType.DOUBLE)
            .field("above", ColumnType.BOOLEAN)
            .transformation(OnDemandFeaturesTest::gap)
            .build();
    private FeatureService service;

    private static Map<String, Object> gap(Map<String, Object> in) {
        Double mean = (Double) in.get("movie_stats__mean_rating");
        Double rating = (Double) in.get("user_rating");
        Map<String, Object> out = new HashMap<>();
        if (mean != null && rating != null) {
            out.put("gap", rating - mean);
            out.put("above", rating > mean);
        }
        return out;
    }

    @BeforeEach
    void source() throws IOException {
        Path csv = Files.writeString(dir.resolve("movies.csv"), "movie_id,mean_rating,event_ts\n"
                + "1,3.5,2026-01-01T00:00:00Z\n"
                + "1,4.0,2026-01-01T02:00:00Z\n"
                + "2,2.0,2026-01-01T01:00:00Z\n");
        stats = FeatureView.builder("movie_stats").entities("movie").field("mean_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(csv, "event_ts")).build();
        service = FeatureService.builder("rater").feature(stats, "mean_rating").features(gap).build();
    }

    private MlopsPlatform open(Instant now) {
        return MlopsPlatform.builder().home(dir.resolve("home")).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    @Test
    void computesTheSameValuesOfflineAndOnline() {
        try (MlopsPlatform mlops = open(T0.plus(Duration.ofHours(3)))) {
            mlops.features().apply(FeatureDefinitions.of(movie, stats, gap, service));
            Table rows = Table.builder(Schema.of(Column.of("movie_id", ColumnType.LONG), Column.of("ts", ColumnType.TIMESTAMP),
                            Column.of("user_rating", ColumnType.DOUBLE)))
                    .addRow(1L, T0.plus(Duration.ofHours(1)), 5.0)
                    .addRow(1L, T0.plus(Duration.ofHours(3)), 3.0)
                    .addRow(3L, T0.plus(Duration.ofHours(3)), 3.0)
                    .build();

            Table training = mlops.features().historicalFeatures(rows, "ts", service);

            assertThat(training.schema().columns()).extracting(Column::name)
                    .containsExactly("movie_id", "ts", "user_rating", "movie_stats__mean_rating", "rating_gap__gap", "rating_gap__above");
            assertThat(training.row(0)).containsExactly(1L, T0.plus(Duration.ofHours(1)), 5.0, 3.5, 1.5, true);
            assertThat(training.row(1)).containsExactly(1L, T0.plus(Duration.ofHours(3)), 3.0, 4.0, -1.0, false);
            assertThat(training.row(2)).containsExactly(3L, T0.plus(Duration.ofHours(3)), 3.0, null, null, null);

            mlops.features().materialize(T0, T0.plus(Duration.ofHours(3)));
            List<FeatureVector> online = mlops.features().onlineFeatures(List.of(
                    Map.of("movie_id", 1L, "user_rating", 3.0), Map.of("movie_id", 3L, "user_rating", 3.0)), service);
            assertThat(online.get(0).value("rating_gap__gap", Double.class)).contains(-1.0);
            assertThat(online.get(0).value("rating_gap__above", Boolean.class)).contains(false);
            assertThat(online.get(0).values().get("rating_gap__gap").eventTime()).isEmpty();
            assertThat(online.get(1).values().get("movie_stats__mean_rating").status()).isEqualTo(Status.NOT_FOUND);
            assertThat(online.get(1).values().get("rating_gap__gap").status()).isEqualTo(Status.NULL);
        }
    }

    @Test
    void countsOnDemandValuesUnderTheOnDemandView() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Instant now = T0.plus(Duration.ofHours(3));
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).clock(Clock.fixed(now, ZoneOffset.UTC))
                .meterRegistry(meters).build()) {
            mlops.features().apply(FeatureDefinitions.of(movie, stats, gap, service));
            mlops.features().materialize(T0, now);
            // the latest rows are movie 1 at 02:00 and movie 2 at 01:00
            assertThat(meters.get(MetricNames.FEATURE_FRESHNESS).tag(MetricNames.TAG_VIEW, "movie_stats@1").gauge().value())
                    .isEqualTo(3600.0);

            mlops.features().onlineFeatures(List.of(Map.of("movie_id", 1L, "user_rating", 3.0),
                    Map.of("movie_id", 3L, "user_rating", 3.0)), service);

            assertThat(lookups(meters, "movie_stats@1", "present")).isEqualTo(1.0);
            assertThat(lookups(meters, "movie_stats@1", "not_found")).isEqualTo(1.0);
            assertThat(lookups(meters, "rating_gap@1", "present")).isEqualTo(2.0);
            assertThat(lookups(meters, "rating_gap@1", "null")).isEqualTo(2.0);
            // two keys x three features; four statuses for each of the two views
            assertThat(meters.find(MetricNames.FEATURE_LOOKUPS).counters().stream().mapToDouble(c -> c.count()).sum())
                    .isEqualTo(6.0);
            assertThat(meters.find(MetricNames.FEATURE_LOOKUPS).counters()).hasSize(8);
        }
    }

    private static double lookups(SimpleMeterRegistry meters, String view, String status) {
        return meters.get(MetricNames.FEATURE_LOOKUPS).tags(MetricNames.TAG_VIEW, view, MetricNames.TAG_STATUS, status)
                .counter().count();
    }

    @Test
    void readsNeedTheTransformationAndTheRequestData() {
        try (MlopsPlatform mlops = open(T0.plus(Duration.ofHours(3)))) {
            mlops.features().apply(FeatureDefinitions.of(movie, stats, gap, service));
            assertThatThrownBy(() -> mlops.features().onlineFeatures(List.of(Map.of("movie_id", 1L)), service))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("request data user_rating of rating_gap@1 must be given as a DOUBLE");
            Table noRequest = Table.builder(Schema.of(Column.of("movie_id", ColumnType.LONG), Column.of("ts", ColumnType.TIMESTAMP)))
                    .addRow(1L, T0).build();
            assertThatThrownBy(() -> mlops.features().historicalFeatures(noRequest, "ts", service))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("entity rows must have the DOUBLE request column 'user_rating' of rating_gap@1");
            assertThatThrownBy(() -> mlops.features().historicalFeatures(T0, T0.plus(Duration.ofHours(3)), service))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("need no request data");
        }
        // a JVM that did not apply the definitions has no function to run
        try (MlopsPlatform other = open(T0.plus(Duration.ofHours(3)))) {
            assertThatThrownBy(() -> other.features().onlineFeatures(List.of(Map.of("movie_id", 1L, "user_rating", 3.0)), service))
                    .isInstanceOf(MlopsException.class).hasMessageStartingWith("on-demand view rating_gap@1 has no transformation");
        }
    }

    @Test
    void aTransformationThatBreaksItsContractFailsTheRead() {
        OnDemandFeatureView wrongType = OnDemandFeatureView.builder("doubled").request("x", ColumnType.DOUBLE)
                .field("y", ColumnType.DOUBLE).transformation(in -> Collections.singletonMap("y", 2L)).build();
        OnDemandFeatureView unknownField = OnDemandFeatureView.builder("unknown").request("x", ColumnType.DOUBLE)
                .field("y", ColumnType.DOUBLE).transformation(in -> Collections.singletonMap("z", 1.0)).build();
        FeatureService a = FeatureService.builder("a").features(wrongType).build();
        FeatureService b = FeatureService.builder("b").features(unknownField).build();
        try (MlopsPlatform mlops = open(T0)) {
            mlops.features().apply(FeatureDefinitions.of(wrongType, unknownField, a, b));
            List<Map<String, Object>> keys = List.of(Map.of("x", 1.0));
            assertThatThrownBy(() -> mlops.features().onlineFeatures(keys, a)).isInstanceOf(MlopsException.class)
                    .hasMessage("on-demand view doubled@1 returned 2 (Long) for y, which is DOUBLE");
            assertThatThrownBy(() -> mlops.features().onlineFeatures(keys, b)).isInstanceOf(MlopsException.class)
                    .hasMessageStartingWith("on-demand view unknown@1 returned 'z', which is not one of its fields");
        }
    }

    @Test
    void planShowsOnDemandChangesAndRefusesBreakingOnes() {
        try (MlopsPlatform mlops = open(T0)) {
            FeaturePlan first = mlops.features().apply(FeatureDefinitions.of(movie, stats, gap, service));
            assertThat(first.changes()).anyMatch(c -> c.kind().equals("on-demand view") && c.name().equals("rating_gap@1"));
            assertThat(mlops.features().apply(FeatureDefinitions.of(movie, stats, gap, service)).changes()).isEmpty();

            OnDemandFeatureView retyped = OnDemandFeatureView.builder("rating_gap").request("user_rating", ColumnType.LONG)
                    .input(new FeatureRef("movie_stats", 1, "mean_rating")).field("gap", ColumnType.DOUBLE)
                    .field("above", ColumnType.BOOLEAN).transformation(OnDemandFeaturesTest::gap).build();
            assertThat(mlops.features().plan(FeatureDefinitions.of(movie, stats, retyped, service)).breaking()).isTrue();
            assertThatThrownBy(() -> mlops.features().apply(FeatureDefinitions.of(movie, stats, retyped, service)))
                    .isInstanceOf(ConflictException.class);

            OnDemandFeatureView badInput = OnDemandFeatureView.builder("bad").input(new FeatureRef("movie_stats", 1, "nope"))
                    .field("y", ColumnType.DOUBLE).transformation(in -> Map.of()).build();
            assertThatThrownBy(() -> mlops.features().plan(FeatureDefinitions.of(movie, stats, badInput)))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("name a field of a defined or applied feature view");
            OnDemandFeatureView clash = OnDemandFeatureView.builder("movie_stats").request("x", ColumnType.DOUBLE)
                    .field("y", ColumnType.DOUBLE).transformation(in -> Map.of()).build();
            assertThatThrownBy(() -> mlops.features().plan(FeatureDefinitions.of(movie, clash)))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("not share its name with an applied feature view");
        }
    }

    @Test
    void retrievesTrainingDataWithoutEntityRows() {
        FeatureService plain = FeatureService.builder("plain").features(stats).build();
        try (MlopsPlatform mlops = open(T0)) {
            mlops.features().apply(FeatureDefinitions.of(movie, stats, plain));
            Table all = mlops.features().historicalFeatures(T0, T0.plus(Duration.ofHours(2)), plain);
            assertThat(all.schema().columns()).extracting(Column::name)
                    .containsExactly("movie_id", "event_timestamp", "movie_stats__mean_rating");
            assertThat(all.rowCount()).isEqualTo(2);
            assertThat(all.row(0)).containsExactly(1L, T0, 3.5);
            assertThat(all.row(1)).containsExactly(2L, T0.plus(Duration.ofHours(1)), 2.0);
            assertThatThrownBy(() -> mlops.features().historicalFeatures(T0, T0, plain))
                    .isInstanceOf(ValidationException.class).hasMessageStartingWith("to must be after from");
        }
    }

    @Test
    void definitionsAppliedByAnotherStoreAreSeenOnTheNextCall() {
        try (MlopsPlatform a = open(T0); MlopsPlatform b = MlopsPlatform.builder().home(dir.resolve("home")).build()) {
            assertThat(b.features().view("movie_stats", 1)).isEmpty();
            a.features().apply(FeatureDefinitions.of(movie, stats));
            assertThat(b.features().view("movie_stats", 1)).contains(stats);
            FeatureView described = FeatureView.builder("movie_stats").entities("movie").field("mean_rating", ColumnType.DOUBLE)
                    .ttl(Duration.ofDays(1)).source(stats.source()).description("now described").build();
            a.features().apply(FeatureDefinitions.of(movie, described));
            assertThat(b.features().view("movie_stats", 1).orElseThrow().description()).isEqualTo("now described");
        }
    }
}
