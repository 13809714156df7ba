package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Point-in-time correctness, table-driven: each entity row states the values it must get. */
class PointInTimeTest {
    @TempDir
    Path home;

    private static Instant t(String text) {
        return Instant.parse(text);
    }

    /** One entity row and the feature values it must get (null: none). */
    record Case(String why, String user, String at, Double avgRating, Long clicks) {
    }

    static final List<Case> CASES = List.of(
            new Case("exactly at a feature time: included", "u1", "2026-01-01T00:00:00Z", 1.0, null),
            new Case("just before the next feature row", "u1", "2026-01-01T11:59:00Z", 1.0, 7L),
            new Case("equal feature times: the one created last", "u1", "2026-01-01T12:00:00Z", 2.5, 7L),
            new Case("exactly at t - ttl: expired", "u1", "2026-01-02T12:00:00Z", null, null),
            new Case("just inside the ttl", "u1", "2026-01-02T11:59:59Z", 2.5, null),
            new Case("before any feature row of the key", "u2", "2026-01-01T00:00:00Z", null, null),
            new Case("a key with no feature rows", "u9", "2026-01-05T00:00:00Z", null, null),
            new Case("a late-arriving row counts by its event time", "u3", "2026-01-01T07:00:00Z", 3.0, null),
            new Case("the same key later", "u2", "2026-01-02T00:00:01Z", 5.0, null));

    @Test
    void joinsEveryViewAsOfEachEntityRowWithItsOwnTtl() throws IOException {
        Path stats = Files.writeString(home.resolve("user_stats.csv"), String.join("\n",
                "user_id,avg_rating,event_ts,created_ts",
                "u1,1.0,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z",
                "u1,2.0,2026-01-01T12:00:00Z,2026-01-01T12:00:00Z",
                "u1,2.5,2026-01-01T12:00:00Z,2026-01-01T13:00:00Z",
                "u2,5.0,2026-01-02T00:00:00Z,2026-01-02T00:00:00Z",
                "u3,3.0,2026-01-01T06:00:00Z,2026-01-03T00:00:00Z", ""));
        Path clicks = Files.writeString(home.resolve("user_clicks.csv"), String.join("\n",
                "user_id,clicks,ts", "u1,7,2026-01-01T11:30:00Z", ""));
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        FeatureView statsView = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(stats, "event_ts").withCreatedColumn("created_ts")).build();
        FeatureView clicksView = FeatureView.builder("user_clicks").entities("user").field("clicks", ColumnType.LONG)
                .ttl(Duration.ofHours(1)).source(FeatureSource.csv(clicks, "ts")).build();
        FeatureService service = FeatureService.builder("rater").features(statsView).features(clicksView).build();

        Schema rowsSchema = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("event_ts", ColumnType.TIMESTAMP),
                Column.of("label", ColumnType.LONG));
        Table.Builder rows = Table.builder(rowsSchema);
        for (int i = 0; i < CASES.size(); i++) {
            rows.addRow(CASES.get(i).user(), t(CASES.get(i).at()), (long) i);
        }

        try (MlopsPlatform mlops = MlopsPlatform.embedded(home.resolve("home"))) {
            mlops.features().apply(FeatureDefinitions.of(user, statsView, clicksView, service));
            Table training = mlops.features().historicalFeatures(rows.build(), "event_ts", service);

            assertThat(training.schema().columns()).extracting(Column::name)
                    .containsExactly("user_id", "event_ts", "label", "user_stats__avg_rating", "user_clicks__clicks");
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                List<Object> expected = Arrays.asList(c.user(), t(c.at()), (long) i, c.avgRating(), c.clicks());
                if (!training.row(i).equals(expected)) {
                    failures.add(c.why() + ": expected " + expected + " but got " + training.row(i));
                }
            }
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void readsParquetSourcesAndExportsTrainingSetsAsParquet() {
        Table rows = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("avg_rating", ColumnType.DOUBLE),
                Column.of("event_ts", ColumnType.TIMESTAMP)))
                .addRow("u1", 1.0, t("2026-01-01T00:00:00Z")).addRow("u1", 2.0, t("2026-01-01T12:00:00Z")).build();
        Path source = home.resolve("stats.parquet");
        ParquetFiles.write(rows, source);
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        FeatureView view = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.parquet(source, "event_ts")).build();
        FeatureService service = FeatureService.builder("rater").features(view).build();
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home.resolve("home"))) {
            mlops.features().apply(FeatureDefinitions.of(user, view, service));
            Table entity = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("ts", ColumnType.TIMESTAMP)))
                    .addRow("u1", t("2026-01-01T06:00:00Z")).addRow("u1", t("2026-01-01T13:00:00Z")).build();
            Table training = mlops.features().historicalFeatures(entity, "ts", service);
            assertThat(training.value(0, 2)).isEqualTo(1.0);
            assertThat(training.value(1, 2)).isEqualTo(2.0);
            Path out = home.resolve("training.parquet");
            ParquetFiles.write(training, out);
            assertThat(ParquetFiles.read(out, training.schema())).isEqualTo(training);
        }
    }

    @Test
    void computesAndKeepsStatisticsPerFeature() throws IOException {
        Path stats = Files.writeString(home.resolve("s.csv"), String.join("\n", "user_id,avg_rating,genre,event_ts",
                "u1,1.0,drama,2026-01-01T00:00:00Z", "u2,2.0,drama,2026-01-01T00:00:00Z", "u3,3.0,comedy,2026-01-01T00:00:00Z",
                "u4,4.0,,2026-01-01T00:00:00Z", "u5,,drama,2026-01-01T00:00:00Z", ""));
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        FeatureView view = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("genre", ColumnType.STRING).ttl(Duration.ofDays(1)).source(FeatureSource.csv(stats, "event_ts")).build();
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home.resolve("home"))) {
            mlops.features().apply(FeatureDefinitions.of(user, view));
            assertThat(mlops.features().statistics("user_stats", 1)).isEmpty();
            var computed = mlops.features().computeStatistics("user_stats", 1);
            assertThat(computed.rows()).isEqualTo(5);
            var rating = computed.fields().get("avg_rating");
            assertThat(rating.count()).isEqualTo(4);
            assertThat(rating.nulls()).isEqualTo(1);
            assertThat(rating.mean()).contains(2.5);
            assertThat(rating.min()).contains(1.0);
            assertThat(rating.max()).contains(4.0);
            assertThat(rating.quantiles()).containsEntry("p50", 2.5).containsKeys("p5", "p25", "p75", "p95");
            assertThat(rating.variance().orElseThrow()).isCloseTo(1.6667, org.assertj.core.data.Offset.offset(1e-3));
            var genre = computed.fields().get("genre");
            assertThat(genre.topValues()).extracting(v -> v.value() + "=" + v.count()).containsExactly("drama=3", "comedy=1");
            assertThat(genre.mean()).isEmpty();
            assertThat(mlops.features().statistics("user_stats", 1)).contains(computed);
            assertThatThrownBy(() -> mlops.features().computeStatistics("user_stats", 2))
                    .hasMessageStartingWith("feature view 'user_stats@2' not found");
        }
    }

    @Test
    void rejectsEntityRowsWithoutTheJoinKeyOrEventTime() throws IOException {
        Path stats = Files.writeString(home.resolve("s.csv"), "user_id,avg_rating,event_ts\nu1,1.0,2026-01-01T00:00:00Z\n");
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        FeatureView view = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(stats, "event_ts")).build();
        FeatureService service = FeatureService.builder("rater").features(view).build();
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home.resolve("home"))) {
            mlops.features().apply(FeatureDefinitions.of(user, view, service));
            Table noKey = Table.builder(Schema.of(Column.of("event_ts", ColumnType.TIMESTAMP))).addRow(t("2026-01-01T00:00:00Z")).build();
            assertThatThrownBy(() -> mlops.features().historicalFeatures(noKey, "event_ts", service))
                    .isInstanceOf(ValidationException.class).hasMessageStartingWith("entity rows must have the STRING join key 'user_id' of user_stats@1");
            Table noTime = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING))).addRow("u1").build();
            assertThatThrownBy(() -> mlops.features().historicalFeatures(noTime, "event_ts", service))
                    .hasMessageStartingWith("entity rows must have a TIMESTAMP column 'event_ts'");
        }
    }
}
