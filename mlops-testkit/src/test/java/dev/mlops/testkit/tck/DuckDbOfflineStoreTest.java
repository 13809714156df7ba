package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.MlopsException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.core.data.ParquetFiles;
import dev.mlops.core.feature.DuckDbOfflineStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DuckDbOfflineStoreTest extends OfflineStoreTck {

    @Override
    protected OfflineStore createStore(Path dir) {
        return new DuckDbOfflineStore(dir);
    }

    @Test
    void readsParquetSources() {
        Column user = Column.of("user_id", ColumnType.STRING);
        Path file = scratch.resolve("stats.parquet");
        ParquetFiles.write(Table.builder(Schema.of(user, Column.of("avg_rating", ColumnType.DOUBLE),
                        Column.of("event_ts", ColumnType.TIMESTAMP)))
                .addRow("u1", 1.0, Instant.parse("2026-01-01T00:00:00Z"))
                .addRow("u1", 2.0, Instant.parse("2026-01-01T12:00:00Z")).build(), file);
        FeatureView view = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.parquet(file, "event_ts")).build();
        Table rows = Table.builder(Schema.of(user, Column.of("ts", ColumnType.TIMESTAMP)))
                .addRow("u1", Instant.parse("2026-01-01T06:00:00Z"))
                .addRow("u1", Instant.parse("2026-01-01T13:00:00Z")).build();

        Table result = store.historical(rows, "ts", List.of(OfflineStore.ViewQuery.allFields(view, List.of(user))));

        assertThat(result.value(0, 2)).isEqualTo(1.0);
        assertThat(result.value(1, 2)).isEqualTo(2.0);
    }

    @Test
    void readsEveryFileOfADirectorySource() {
        Column user = Column.of("user_id", ColumnType.STRING);
        Schema schema = Schema.of(user, Column.of("avg_rating", ColumnType.DOUBLE), Column.of("event_ts", ColumnType.TIMESTAMP));
        Path dir = scratch.resolve("runs");
        ParquetFiles.write(Table.builder(schema).addRow("u1", 1.0, Instant.parse("2026-01-01T00:00:00Z")).build(),
                dir.resolve("run-1.parquet"));
        ParquetFiles.write(Table.builder(schema).addRow("u1", 2.0, Instant.parse("2026-01-01T12:00:00Z")).build(),
                dir.resolve("run-2.parquet"));
        FeatureView view = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.parquet(dir, "event_ts")).build();
        Table rows = Table.builder(Schema.of(user, Column.of("ts", ColumnType.TIMESTAMP)))
                .addRow("u1", Instant.parse("2026-01-01T06:00:00Z"))
                .addRow("u1", Instant.parse("2026-01-01T13:00:00Z")).build();

        Table result = store.historical(rows, "ts", List.of(OfflineStore.ViewQuery.allFields(view, List.of(user))));

        assertThat(result.value(0, 2)).isEqualTo(1.0);
        assertThat(result.value(1, 2)).isEqualTo(2.0);
    }

    @Test
    void keepsEachAppendAsAFileUnderThePushSourcesDirectory() throws IOException {
        Table rows = Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING),
                Column.of("event_ts", ColumnType.TIMESTAMP))).addRow("u1", Instant.EPOCH).build();
        store.append("ratings_push", rows);
        store.append("ratings_push", rows);
        try (Stream<Path> files = Files.list(scratch.resolve("store/ratings_push"))) {
            assertThat(files.map(f -> f.getFileName().toString())).hasSize(2).allMatch(n -> n.endsWith(".csv"));
        }
    }

    @Test
    void convertsCsvTextStrictly() throws IOException {
        Column user = Column.of("user_id", ColumnType.LONG);
        Path csv = Files.writeString(scratch.resolve("clicks.csv"), "user_id,clicks,event_ts\n"
                + "1,3,2026-01-01T02:00:00+02:00\n");
        FeatureView view = FeatureView.builder("clicks").entities("user").field("clicks", ColumnType.LONG)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(csv, "event_ts")).build();
        Table rows = Table.builder(Schema.of(user, Column.of("ts", ColumnType.TIMESTAMP)))
                .addRow(1L, Instant.parse("2026-01-01T00:00:00Z")).addRow(1L, Instant.parse("2026-01-01T00:00:00.001Z")).build();
        List<OfflineStore.ViewQuery> query = List.of(OfflineStore.ViewQuery.allFields(view, List.of(user)));

        // 02:00 at +02:00 is midnight UTC
        Table result = store.historical(rows, "ts", query);
        assertThat(result.value(0, 2)).isEqualTo(3L);

        Files.writeString(csv, "user_id,clicks,event_ts\n1,1.5,2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> store.historical(rows, "ts", query)).isInstanceOf(MlopsException.class)
                .hasMessageContaining("column clicks holds 1.5, which is not a whole number");
    }
}
