package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.WindowAggregation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The incremental aggregation gives the rows computed at once over the same events. */
class WindowAggregatorTest {
    private static final List<Column> KEYS = List.of(Column.of("user_id", ColumnType.LONG));
    private static final Schema EVENTS = Schema.of(Column.of("user_id", ColumnType.LONG),
            Column.of("event_ts", ColumnType.TIMESTAMP), Column.of("rating", ColumnType.DOUBLE),
            Column.of("seconds", ColumnType.LONG));
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private static FeatureView view() {
        return FeatureView.builder("user_activity").entities("user").field("ratings", ColumnType.LONG)
                .field("avg_rating", ColumnType.DOUBLE).field("best", ColumnType.DOUBLE).field("worst", ColumnType.DOUBLE)
                .field("watched", ColumnType.LONG).field("longest", ColumnType.LONG).ttl(Duration.ofDays(1))
                .source(FeatureSource.stream("activity", "activity", "event_ts")).build();
    }

    private static WindowAggregation.Builder aggregates(WindowAggregation.Builder b) {
        return b.count("ratings").mean("avg_rating", "rating").max("best", "rating").min("worst", "rating")
                .sum("watched", "seconds").max("longest", "seconds");
    }

    @Test
    void slidingAndTumblingWindowsMatchTheOfflineComputationWithEventsOutOfOrder() {
        for (WindowAggregation aggregation : List.of(
                aggregates(WindowAggregation.sliding(Duration.ofMinutes(10), Duration.ofMinutes(5))).build(),
                aggregates(WindowAggregation.tumbling(Duration.ofMinutes(15))).build())) {
            Random random = new Random(7);
            Table.Builder events = Table.builder(EVENTS);
            List<Object[]> arrival = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                Object[] e = {(long) random.nextInt(20), T0.plusSeconds(i * 3L), random.nextInt(10) == 0 ? null : random.nextDouble() * 5,
                        (long) random.nextInt(600)};
                events.addRow(e);
                arrival.add(e);
            }
            // Arrival out of order by up to 60 s, within the allowed lateness.
            for (int i = 0; i + 20 <= arrival.size(); i += 20) {
                Collections.shuffle(arrival.subList(i, i + 20), random);
            }
            WindowAggregator streaming = WindowAggregator.forView(view(), KEYS, aggregation, Duration.ofSeconds(60));
            List<Table> emitted = new ArrayList<>();
            for (Object[] e : arrival) {
                assertThat(streaming.add(List.of(e[0]), (Instant) e[1], new Object[] {null, e[2], e[2], e[2], e[3], e[3]})).isTrue();
                emitted.add(streaming.closeWindows());
            }
            Table offline = WindowAggregator.offline(events.build(), view(), KEYS, aggregation);
            Map<List<Object>, List<Object>> expected = byKeyAndEnd(List.of(offline));
            Map<List<Object>, List<Object>> actual = byKeyAndEnd(emitted);
            Instant lastEnd = Instant.ofEpochMilli(streaming.maxEventTime() - 60_000);
            expected.keySet().removeIf(k -> ((Instant) k.get(1)).isAfter(lastEnd));
            assertThat(actual.keySet()).as("windows of %s", aggregation).isEqualTo(expected.keySet());
            assertThat(actual.size()).isGreaterThanOrEqualTo(100);
            expected.forEach((k, row) -> {
                List<Object> got = actual.get(k);
                for (int f = 0; f < row.size(); f++) {
                    if (row.get(f) instanceof Double d) {
                        assertThat((Double) got.get(f)).as("%s field %d", k, f).isCloseTo(d, within(1e-9));
                    } else {
                        assertThat(got.get(f)).as("%s field %d", k, f).isEqualTo(row.get(f));
                    }
                }
            });
        }
    }

    private static Map<List<Object>, List<Object>> byKeyAndEnd(List<Table> tables) {
        Map<List<Object>, List<Object>> rows = new HashMap<>();
        for (Table t : tables) {
            for (int r = 0; r < t.rowCount(); r++) {
                List<Object> row = t.row(r);
                assertThat(rows.put(List.of(row.get(0), row.get(1)), row.subList(2, row.size()))).as("emitted once").isNull();
            }
        }
        return rows;
    }

    @Test
    void emitsAWindowOnceTheWatermarkPassesItsEndAndDropsLateEvents() {
        WindowAggregation tumbling = aggregates(WindowAggregation.tumbling(Duration.ofMinutes(10))).build();
        WindowAggregator agg = WindowAggregator.forView(view(), KEYS, tumbling, Duration.ofMinutes(1));
        Object[] inputs = {null, 4.0, 4.0, 4.0, 30L, 30L};
        agg.add(List.of(1L), T0.plusSeconds(30), inputs);
        agg.add(List.of(1L), T0.plusSeconds(90), new Object[] {null, null, null, null, null, null});
        agg.add(List.of(1L), T0.plusSeconds(600), inputs);
        assertThat(agg.closeWindows().rowCount()).as("not yet: the watermark is 9 min").isZero();
        agg.add(List.of(2L), T0.plusSeconds(660), inputs);
        Table closed = agg.closeWindows();
        assertThat(closed.schema().columns().stream().map(Column::name)).containsExactly("user_id", "event_ts", "ratings", "avg_rating", "best", "worst",
                "watched", "longest");
        assertThat(closed.row(0)).containsExactly(1L, T0.plusSeconds(600), 2L, 4.0, 4.0, 4.0, 30L, 30L);
        assertThat(closed.rowCount()).isOne();
        assertThat(agg.late(T0.plusSeconds(599))).isTrue();
        assertThat(agg.add(List.of(1L), T0.plusSeconds(599), inputs)).as("its window has closed").isFalse();
        assertThat(agg.add(List.of(1L), T0.plusSeconds(601), inputs)).isTrue();

        WindowAggregator resumed = WindowAggregator.forView(view(), KEYS, tumbling, Duration.ofMinutes(1));
        resumed.resume(agg.maxEventTime());
        assertThat(resumed.add(List.of(1L), T0.plusSeconds(30), inputs)).as("emitted before the restart").isFalse();
    }

    @Test
    void refusesAggregatesThatDoNotFitTheView() {
        assertThatThrownBy(() -> WindowAggregator.forView(view(), KEYS, WindowAggregation.tumbling(Duration.ofMinutes(1))
                .count("ratings").build(), Duration.ZERO)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fill every field of the view").hasMessageContaining("avg_rating");
        assertThatThrownBy(() -> WindowAggregator.forView(view(), KEYS, WindowAggregation.tumbling(Duration.ofMinutes(1))
                .count("avg_rating").build(), Duration.ZERO)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fill field 'avg_rating' with a LONG for COUNT");
        assertThatThrownBy(() -> WindowAggregator.forView(view(), KEYS, WindowAggregation.tumbling(Duration.ofMinutes(1))
                .count("nope").build(), Duration.ZERO)).isInstanceOf(ValidationException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> WindowAggregator.forView(view(), KEYS, aggregates(WindowAggregation.tumbling(Duration.ofMinutes(1)))
                .build(), Duration.ofSeconds(-1))).isInstanceOf(ValidationException.class).hasMessageContaining("allowedLateness");
        assertThatThrownBy(() -> WindowAggregation.sliding(Duration.ofMinutes(10), Duration.ofMinutes(3)).count("n").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("window slide must divide the window size PT10M");
        assertThatThrownBy(() -> WindowAggregation.sliding(Duration.ofMinutes(10), Duration.ofMillis(100)).count("n").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("at least 1/1000");
        assertThatThrownBy(() -> WindowAggregation.tumbling(Duration.ofNanos(1500)).count("n").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("whole milliseconds");
        assertThatThrownBy(() -> WindowAggregation.tumbling(Duration.ofMinutes(1)).count("n").sum("n", "x").build())
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> WindowAggregation.tumbling(Duration.ofMinutes(1)).build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("at least one aggregate");
        assertThatThrownBy(() -> new WindowAggregation.Aggregate("n", WindowAggregation.Function.COUNT, "x"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("be empty for COUNT");
        Table noRating = Table.builder(Schema.of(Column.of("user_id", ColumnType.LONG), Column.of("event_ts", ColumnType.TIMESTAMP)))
                .build();
        assertThatThrownBy(() -> WindowAggregator.offline(noRating, view(), KEYS, aggregates(WindowAggregation.tumbling(
                Duration.ofMinutes(1))).build())).isInstanceOf(ValidationException.class).hasMessageContaining("'rating'");
    }
}
