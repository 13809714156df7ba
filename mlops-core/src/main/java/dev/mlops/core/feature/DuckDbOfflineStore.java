package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStatistics;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.data.internal.DuckTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Point-in-time joins on an in-process DuckDB: the entity rows are loaded into a table, each feature
 * view's source is read where it lies (CSV or Parquet), rows with equal key and event time are
 * reduced to the one created last, and every view is joined with DuckDB's {@code ASOF LEFT JOIN}
 * (latest feature time at or before the entity row's time), with the TTL applied to the matched
 * row. The SQL is generated here so that other SQL engines can reuse it later.
 *
 * <pre>{@code
 * Table training = new DuckDbOfflineStore().historical(entityRows, "event_ts", List.of(
 *         new DuckDbOfflineStore.ViewRequest(userStats, List.of("user_id"), List.of("avg_rating"))));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DuckDbOfflineStore {
    private static final String ROW = "mlops_row";

    /**
     * One view's part of a request.
     *
     * @param view the view
     * @param joinKeys the join keys of its entities
     * @param features the fields to return
     */
    public record ViewRequest(FeatureView view, List<String> joinKeys, List<String> features, @Nullable Path pushLog) {
        /**
         * A request for a file source.
         *
         * @param view the view
         * @param joinKeys the keys
         * @param features the features
         */
        public ViewRequest(FeatureView view, List<String> joinKeys, List<String> features) {
            this(view, joinKeys, features, null);
        }

        /**
         * Copies the lists.
         *
         * @param view the view
         * @param joinKeys the keys
         * @param features the features
         * @param pushLog the directory of CSV files logged by pushes, for push sources
         */
        public ViewRequest {
            joinKeys = List.copyOf(joinKeys);
            features = List.copyOf(features);
        }
    }

    /** Creates the store; each request opens its own in-memory database. */
    public DuckDbOfflineStore() {
    }

    /**
     * Joins features to entity rows as of each row's event time.
     *
     * @param entityRows the rows to label
     * @param eventTimeColumn their {@code TIMESTAMP} column
     * @param views the views and features to join
     * @return the entity rows' columns, then {@code view__feature} columns
     */
    public Table historical(Table entityRows, String eventTimeColumn, List<ViewRequest> views) {
        Checks.notNull("entityRows", entityRows);
        Checks.notNull("views", views);
        Schema schema = entityRows.schema();
        if (!schema.has(eventTimeColumn) || schema.column(eventTimeColumn).type() != ColumnType.TIMESTAMP) {
            throw new ValidationException("entity rows", "have a TIMESTAMP column '" + eventTimeColumn + "'", schema);
        }
        for (ViewRequest request : views) {
            for (String key : request.joinKeys()) {
                if (!schema.has(key)) {
                    throw new ValidationException("entity rows", "have the join key '" + key + "' of "
                            + request.view().versionedName(), schema);
                }
            }
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            DuckTables.load(db, sql, entityRows, "entity_rows", ROW);
            StringBuilder select = new StringBuilder("SELECT ");
            for (Column c : schema.columns()) {
                select.append("e.").append(DuckTables.quote(c.name())).append(", ");
            }
            StringBuilder from = new StringBuilder(" FROM entity_rows e");
            List<Column> resultColumns = new ArrayList<>(schema.columns());
            for (int i = 0; i < views.size(); i++) {
                ViewRequest request = views.get(i);
                String alias = "f" + i;
                if (noData(request)) {
                    // Nothing pushed yet: every feature of the view is null (an ASOF join with nothing drops rows).
                    for (String feature : request.features()) {
                        Column field = request.view().field(feature).orElseThrow();
                        String full = request.view().name() + "__" + feature;
                        select.append("CAST(NULL AS ").append(DuckTables.sqlType(field.type())).append(") AS ").append(DuckTables.quote(full)).append(", ");
                        resultColumns.add(Column.of(full, field.type()));
                    }
                    continue;
                }
                sql.execute("CREATE TEMP VIEW " + alias + " AS " + source(request));
                for (String feature : request.features()) {
                    Column field = request.view().field(feature).orElseThrow(() -> new ValidationException(
                            "feature", "be a field of " + request.view().versionedName(), feature));
                    String full = request.view().name() + "__" + feature;
                    select.append("CASE WHEN ").append(alias).append(".mlops_ts > e.").append(DuckTables.quote(eventTimeColumn))
                            .append(" - INTERVAL (").append(request.view().ttl().toNanos() / 1000).append(") MICROSECOND THEN ")
                            .append(alias).append('.').append(DuckTables.quote(feature)).append(" END AS ").append(DuckTables.quote(full)).append(", ");
                    resultColumns.add(Column.of(full, field.type()));
                }
                from.append(" ASOF LEFT JOIN ").append(alias).append(" ON ");
                for (String key : request.joinKeys()) {
                    from.append("e.").append(DuckTables.quote(key)).append(" = ").append(alias).append('.').append(DuckTables.quote(key)).append(" AND ");
                }
                from.append("e.").append(DuckTables.quote(eventTimeColumn)).append(" >= ").append(alias).append(".mlops_ts");
            }
            select.setLength(select.length() - 2);
            String query = select + from.toString() + " ORDER BY e." + ROW;
            try (ResultSet rs = sql.executeQuery(query)) {
                return DuckTables.read(rs, Schema.of(resultColumns));
            }
        } catch (SQLException e) {
            throw new MlopsException("point-in-time join failed: " + e.getMessage(), e, false);
        }
    }

    /**
     * Computes statistics of every field of a view over its source.
     *
     * @param view the view
     * @param joinKeys the join keys of its entities
     * @param now the time to record
     * @return the statistics
     */
    public FeatureStatistics statistics(FeatureView view, List<String> joinKeys, Instant now) {
        List<String> fields = view.fields().stream().map(Column::name).toList();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            sql.execute("CREATE TEMP VIEW src AS " + source(new ViewRequest(view, joinKeys, fields)));
            long rows;
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM src")) {
                rs.next();
                rows = rs.getLong(1);
            }
            Map<String, FeatureStatistics.Field> stats = new LinkedHashMap<>();
            for (Column field : view.fields()) {
                String col = DuckTables.quote(field.name());
                boolean numeric = field.type() == ColumnType.LONG || field.type() == ColumnType.DOUBLE;
                long count;
                Double mean = null;
                Double variance = null;
                Double min = null;
                Double max = null;
                Map<String, Double> quantiles = new LinkedHashMap<>();
                String numbers = numeric ? ", avg(" + col + "), var_samp(" + col + "), min(" + col + "), max(" + col + ")"
                        + ", quantile_cont(" + col + ", 0.05), quantile_cont(" + col + ", 0.25), quantile_cont(" + col
                        + ", 0.5), quantile_cont(" + col + ", 0.75), quantile_cont(" + col + ", 0.95)" : "";
                try (ResultSet rs = sql.executeQuery("SELECT count(" + col + ")" + numbers + " FROM src")) {
                    rs.next();
                    count = rs.getLong(1);
                    if (numeric && count > 0) {
                        mean = number(rs, 2);
                        variance = number(rs, 3);
                        min = number(rs, 4);
                        max = number(rs, 5);
                        String[] names = {"p5", "p25", "p50", "p75", "p95"};
                        for (int q = 0; q < names.length; q++) {
                            quantiles.put(names[q], number(rs, 6 + q));
                        }
                    }
                }
                List<FeatureStatistics.ValueCount> top = new ArrayList<>();
                try (ResultSet rs = sql.executeQuery("SELECT CAST(" + col + " AS VARCHAR) AS v, count(*) AS c FROM src WHERE "
                        + col + " IS NOT NULL GROUP BY 1 ORDER BY c DESC, v LIMIT 10")) {
                    while (rs.next()) {
                        top.add(new FeatureStatistics.ValueCount(rs.getString(1), rs.getLong(2)));
                    }
                }
                stats.put(field.name(), new FeatureStatistics.Field(field.type(), count, rows - count,
                        Optional.ofNullable(mean), Optional.ofNullable(variance), Optional.ofNullable(min),
                        Optional.ofNullable(max), quantiles, top));
            }
            return new FeatureStatistics(view.name(), view.version(), now, rows, stats);
        } catch (SQLException e) {
            throw new MlopsException("statistics of " + view.versionedName() + " failed: " + e.getMessage(), e, false);
        }
    }

    /** Receives the rows of a materialization chunk by chunk. */
    @FunctionalInterface
    public interface ChunkConsumer {
        /**
         * Takes one chunk.
         *
         * @param rows the rows: key values, event time, feature values in view field order
         * @param done the rows handed over so far, this chunk included
         */
        void accept(List<Object[]> rows, long done);
    }

    /**
     * Streams the latest row per key with event time in {@code [from, to)}, ordered by key, in chunks.
     *
     * @param view the view
     * @param joinKeys the join keys of its entities
     * @param from the earliest event time
     * @param to the first event time excluded
     * @param skip rows already handed over by an interrupted run of the same window
     * @param chunk rows per chunk
     * @param consumer receives each chunk; each row is keys..., event time, features...
     */
    public void latest(FeatureView view, List<String> joinKeys, Instant from, Instant to, long skip, int chunk,
            ChunkConsumer consumer) {
        List<String> fields = view.fields().stream().map(Column::name).toList();
        StringBuilder keys = new StringBuilder();
        for (String key : joinKeys) {
            keys.append(DuckTables.quote(key)).append(", ");
        }
        String order = keys.substring(0, keys.length() - 2);
        String query = "SELECT * FROM (" + source(new ViewRequest(view, joinKeys, fields)) + ") WHERE mlops_ts >= ? AND mlops_ts < ?"
                + " QUALIFY row_number() OVER (PARTITION BY " + order + " ORDER BY mlops_ts DESC) = 1"
                + " ORDER BY " + order + " OFFSET " + skip;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement setup = db.createStatement()) {
            setup.execute("SET TimeZone = 'UTC'");
            try (PreparedStatement ps = db.prepareStatement(query)) {
                ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    List<Object[]> rows = new ArrayList<>(chunk);
                    long done = skip;
                    int width = joinKeys.size() + fields.size() + 1;
                    while (rs.next()) {
                        Object[] row = new Object[width];
                        for (int i = 0; i < width; i++) {
                            int sqlType = rs.getMetaData().getColumnType(i + 1);
                            Object v = sqlType == Types.TIMESTAMP ? rs.getObject(i + 1, LocalDateTime.class)
                                    : sqlType == Types.DATE ? rs.getObject(i + 1, LocalDate.class) : rs.getObject(i + 1);
                            row[i] = v instanceof LocalDateTime ? ((LocalDateTime) v).toInstant(ZoneOffset.UTC)
                                    : v instanceof Integer ? Long.valueOf((Integer) v)
                                    : v instanceof java.sql.Date ? ((java.sql.Date) v).toLocalDate() : v;
                        }
                        rows.add(row);
                        if (rows.size() == chunk) {
                            done += rows.size();
                            consumer.accept(rows, done);
                            rows = new ArrayList<>(chunk);
                        }
                    }
                    if (!rows.isEmpty()) {
                        done += rows.size();
                        consumer.accept(rows, done);
                    }
                }
            }
        } catch (SQLException e) {
            throw new MlopsException("materialization query of " + view.versionedName() + " failed: " + e.getMessage(), e, true);
        }
    }

    private static Double number(ResultSet rs, int column) throws SQLException {
        double d = rs.getDouble(column);
        return rs.wasNull() ? null : d;
    }

    private static String source(ViewRequest request) {
        FeatureView view = request.view();
        FeatureSource source = view.source();
        String reader;
        if (source.kind() == FeatureSource.Kind.PUSH) {
            if (noData(request)) {
                return emptySource(request);
            }
            reader = "read_csv('" + request.pushLog().toString().replace("'", "''") + "/*.csv', header = true, union_by_name = true)";
        } else {
            String path = source.path().orElseThrow(() -> new ValidationException("feature view " + view.versionedName()
                    + " source", "be a CSV, Parquet or push source for offline reads", source.kind())).toString()
                    .replace("'", "''");
            reader = source.kind() == FeatureSource.Kind.PARQUET ? "read_parquet('" + path + "')"
                    : "read_csv('" + path + "', header = true)";
        }
        StringBuilder columns = new StringBuilder();
        for (String key : request.joinKeys()) {
            columns.append(DuckTables.quote(key)).append(", ");
        }
        for (String feature : request.features()) {
            ColumnType type = view.field(feature).orElseThrow().type();
            columns.append("CAST(").append(DuckTables.quote(feature)).append(" AS ").append(DuckTables.sqlType(type)).append(") AS ")
                    .append(DuckTables.quote(feature)).append(", ");
        }
        columns.append("CAST(").append(DuckTables.quote(source.timestampColumn())).append(" AS TIMESTAMP) AS mlops_ts");
        String created = source.createdColumn().map(c -> "CAST(" + DuckTables.quote(c) + " AS TIMESTAMP) DESC NULLS LAST")
                .orElse("1");
        StringBuilder keys = new StringBuilder();
        for (String key : request.joinKeys()) {
            keys.append(DuckTables.quote(key)).append(", ");
        }
        return "SELECT " + columns + " FROM " + reader + " QUALIFY row_number() OVER (PARTITION BY " + keys
                + "CAST(" + DuckTables.quote(source.timestampColumn()) + " AS TIMESTAMP) ORDER BY " + created + ") = 1";
    }

    private static boolean noData(ViewRequest request) {
        return request.view().source().kind() == FeatureSource.Kind.PUSH
                && (request.pushLog() == null || !hasCsv(request.pushLog()));
    }

    private static boolean hasCsv(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".csv"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String emptySource(ViewRequest request) {
        StringBuilder columns = new StringBuilder();
        for (String key : request.joinKeys()) {
            columns.append("NULL::VARCHAR AS ").append(DuckTables.quote(key)).append(", ");
        }
        for (String feature : request.features()) {
            columns.append("NULL::").append(DuckTables.sqlType(request.view().field(feature).orElseThrow().type())).append(" AS ")
                    .append(DuckTables.quote(feature)).append(", ");
        }
        return "SELECT " + columns + "NULL::TIMESTAMP AS mlops_ts WHERE false";
    }




}
