package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureValue.Status;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Schema ROWS = Schema.of(Column.of("user_id", ColumnType.STRING),
            Column.of("event_ts", ColumnType.TIMESTAMP), Column.of("clicks", ColumnType.LONG));

    @TempDir
    Path home;

    private final Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
    private final FeatureView clicks = FeatureView.builder("user_clicks").entities("user").field("clicks", ColumnType.LONG)
            .ttl(Duration.ofHours(1)).source(FeatureSource.push("clicks_push", "event_ts")).build();
    private final FeatureService service = FeatureService.builder("clicks").features(clicks).build();

    private MlopsPlatform open() {
        MlopsPlatform mlops = MlopsPlatform.builder().home(home)
                .clock(Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC)).build();
        mlops.features().apply(FeatureDefinitions.of(user, clicks, service));
        return mlops;
    }

    private static Table entityRows(String key, Instant at) {
        return Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("ts", ColumnType.TIMESTAMP)))
                .addRow(key, at).build();
    }

    @Test
    void pushedRowsReachTheOnlineStoreAndTrainingData() {
        try (MlopsPlatform mlops = open()) {
            assertThat(mlops.features().historicalFeatures(entityRows("u1", T0), "ts", service).value(0, 2)).isNull();
            Table rows = Table.builder(ROWS).addRow("u1", T0, 3L).addRow("u1", T0.plus(Duration.ofMinutes(10)), 5L)
                    .addRow("u2", T0, 1L).build();

            assertThat(mlops.features().push("clicks_push", rows)).containsEntry("user_clicks@1", 3L);
            assertThat(mlops.meterRegistry().counter(MetricNames.FEATURE_PUSH_ROWS, MetricNames.TAG_SOURCE, "clicks_push")
                    .count()).isEqualTo(3.0);

            var online = mlops.features().onlineFeatures(List.of(Map.of("user_id", "u1")), service).get(0);
            assertThat(online.values().get("user_clicks__clicks").status()).isEqualTo(Status.PRESENT);
            assertThat(online.value("user_clicks__clicks", Long.class)).contains(5L);
            assertThat(mlops.features().historicalFeatures(entityRows("u1", T0.plus(Duration.ofMinutes(5))), "ts", service)
                    .value(0, 2)).isEqualTo(3L);
            // an older row pushed later does not replace the newer one online
            mlops.features().push("clicks_push", Table.builder(ROWS).addRow("u1", T0.plus(Duration.ofMinutes(1)), 9L).build());
            assertThat(mlops.features().onlineFeatures(List.of(Map.of("user_id", "u1")), service).get(0)
                    .value("user_clicks__clicks", Long.class)).contains(5L);
        }
    }

    @Test
    void refusesRowsThatDoNotFitAndWritesNothing() {
        try (MlopsPlatform mlops = open()) {
            Table missing = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("clicks", ColumnType.LONG)))
                    .addRow("u1", 3L).build();
            assertThatThrownBy(() -> mlops.features().push("clicks_push", missing)).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("missing column 'event_ts' of user_clicks@1");
            Table wrongType = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING),
                    Column.of("event_ts", ColumnType.TIMESTAMP), Column.of("clicks", ColumnType.DOUBLE))).addRow("u1", T0, 3.0).build();
            assertThatThrownBy(() -> mlops.features().push("clicks_push", wrongType))
                    .hasMessageContaining("column 'clicks' is DOUBLE, user_clicks@1 needs LONG");
            Table noKey = Table.builder(ROWS).addRow(null, T0, 3L).build();
            assertThatThrownBy(() -> mlops.features().push("clicks_push", noKey)).hasMessageContaining("row 0 has no user_id");
            assertThatThrownBy(() -> mlops.features().push("other_push", noKey)).isInstanceOf(NotFoundException.class)
                    .hasMessage("push source 'other_push' not found; no applied view reads it");
            assertThat(mlops.features().onlineFeatures(List.of(Map.of("user_id", "u1")), service).get(0)
                    .values().get("user_clicks__clicks").status()).isEqualTo(Status.NOT_FOUND);
            assertThat(home.resolve("features/push")).doesNotExist();
            assertThat(mlops.meterRegistry().counter(MetricNames.FEATURE_PUSH_REJECTED, MetricNames.TAG_SOURCE, "clicks_push")
                    .count()).isEqualTo(3.0);
        }
    }

    @Test
    void pushesSetTheFreshnessOfEveryViewTheyWriteToTheNewestEventTime() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(home).meterRegistry(meters)
                .clock(Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC)).build()) {
            mlops.features().apply(FeatureDefinitions.of(user, clicks, service));
            Table refused = Table.builder(ROWS).addRow(null, T0.plus(Duration.ofMinutes(20)), 3L).build();
            assertThatThrownBy(() -> mlops.features().push("clicks_push", refused)).isInstanceOf(ValidationException.class);
            assertThat(meters.find(MetricNames.FEATURE_FRESHNESS).gauges()).isEmpty();

            mlops.features().push("clicks_push", Table.builder(ROWS).addRow("u1", T0, 3L)
                    .addRow("u1", T0.plus(Duration.ofMinutes(10)), 5L).addRow("u2", T0, 1L).build());
            assertThat(freshness(meters)).isEqualTo(20 * 60.0);
            // an older row pushed later leaves the newest event time where it was
            mlops.features().push("clicks_push", Table.builder(ROWS).addRow("u1", T0.plus(Duration.ofMinutes(1)), 9L).build());
            assertThat(freshness(meters)).isEqualTo(20 * 60.0);
            mlops.features().push("clicks_push", Table.builder(ROWS).addRow("u3", T0.plus(Duration.ofMinutes(25)), 2L).build());
            assertThat(freshness(meters)).isEqualTo(5 * 60.0);
            assertThat(meters.find(MetricNames.FEATURE_FRESHNESS).gauges()).hasSize(1);

            mlops.features().onlineFeatures(List.of(Map.of("user_id", "u1"), Map.of("user_id", "u2"),
                    Map.of("user_id", "u3"), Map.of("user_id", "u4")), service);
            // u2's row is 30 minutes old, within the 1 hour TTL
            assertThat(meters.get(MetricNames.FEATURE_LOOKUPS).tags(MetricNames.TAG_VIEW, "user_clicks@1",
                    MetricNames.TAG_STATUS, "present").counter().count()).isEqualTo(3.0);
            assertThat(meters.get(MetricNames.FEATURE_LOOKUPS).tags(MetricNames.TAG_VIEW, "user_clicks@1",
                    MetricNames.TAG_STATUS, "not_found").counter().count()).isEqualTo(1.0);
        }
    }

    private static double freshness(SimpleMeterRegistry meters) {
        return meters.get(MetricNames.FEATURE_FRESHNESS).tag(MetricNames.TAG_VIEW, "user_clicks@1").gauge().value();
    }
}
