package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStatistics;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.core.data.CsvFiles;
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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The embedded {@link OfflineStore}: point-in-time joins on an in-process DuckDB. Entity rows are
 * appended into a table, each feature view's source is read where it lies (CSV or Parquet; pushed
 * rows from CSV files under the push-log directory), rows with equal key and event time are
 * reduced to the one created last, and every view is joined with DuckDB's {@code ASOF LEFT JOIN}
 * (latest feature time at or before the entity row's time), with the TTL applied to the matched
 * row. The SQL is generated here so that other SQL engines can reuse it.
 *
 * <pre>{@code
 * OfflineStore offline = new DuckDbOfflineStore(home.resolve("features/push"));
 * Table training = offline.historical(entityRows, "event_ts", List.of(OfflineStore.ViewQuery.allFields(userStats, keys)));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DuckDbOfflineStore implements OfflineStore {
    private static final String ROW = "mlops_row";
    private final Path pushLogs;

    /**
     * Creates the store; each read opens its own in-memory database.
     *
     * @param pushLogs the directory that pushed rows are kept under, one directory per push source
     */
    public DuckDbOfflineStore(Path pushLogs) {
        this.pushLogs = Checks.notNull("offline.pushLogs", pushLogs).toAbsolutePath().normalize();
    }

    @Override
    public void append(String pushSource, Table rows) {
        Name.check("push source", pushSource);
        Checks.notNull("rows", rows);
        CsvFiles.write(rows, pushLogs.resolve(pushSource).resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + ".csv"));
    }

    @Override
    public void close() {
        // every read closes its own database
    }

    @Override
    public Table historical(Table entityRows, String eventTimeColumn, List<ViewQuery> views) {
        Checks.notNull("entityRows", entityRows);
        Checks.notNull("views", views);
        Schema schema = entityRows.schema();
        if (schema.has(ROW)) {
            throw new ValidationException("entity rows column", "not use the reserved name " + ROW, ROW);
        }
        if (!schema.has(eventTimeColumn) || schema.column(eventTimeColumn).type() != ColumnType.TIMESTAMP) {
            throw new ValidationException("entity rows", "have a TIMESTAMP column '" + eventTimeColumn + "'", schema);
        }
        for (ViewQuery request : views) {
            for (Column key : request.joinKeys()) {
                if (!schema.has(key.name()) || schema.column(key.name()).type() != key.type()) {
                    throw new ValidationException("entity rows", "have the " + key.type() + " join key '" + key.name()
                            + "' of " + request.view().versionedName(), schema);
                }
            }
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            DuckTables.load(db, sql, entityRows, "entity_rows", ROW);
            return join(sql, schema, entityRows.rowCount(), eventTimeColumn, views);
        } catch (SQLException e) {
            throw new MlopsException("point-in-time join failed: " + e.getMessage(), e, false);
        }
    }

    @Override
    public Table entityRows(List<ViewQuery> views, Instant from, Instant to, String eventTimeColumn) {
        Checks.notNull("views", views);
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        Name.check("event-time column", eventTimeColumn);
        if (views.isEmpty()) {
            throw new ValidationException("views", "name at least one view", views);
        }
        List<Column> keys = views.get(0).joinKeys();
        for (ViewQuery view : views) {
            if (!view.joinKeys().equals(keys)) {
                throw new ValidationException("views", "share one set of join keys " + keys + " for retrieval without"
                        + " entity rows", view.view().versionedName() + " " + view.joinKeys());
            }
            if (keys.stream().anyMatch(k -> k.name().equals(eventTimeColumn))) {
                throw new ValidationException("event-time column", "differ from the join keys", eventTimeColumn);
            }
        }
        List<Column> columns = new ArrayList<>(keys);
        columns.add(Column.of(eventTimeColumn, ColumnType.TIMESTAMP));
        StringBuilder keyList = new StringBuilder();
        for (Column key : keys) {
            keyList.append(DuckTables.quote(key.name())).append(", ");
        }
        List<String> parts = new ArrayList<>();
        for (ViewQuery view : views) {
            if (!noData(view)) {
                parts.add("SELECT " + keyList + "mlops_ts FROM (" + source(view) + ") WHERE mlops_ts >= ? AND mlops_ts < ?");
            }
        }
        if (parts.isEmpty()) {
            return Table.builder(Schema.of(columns)).build();
        }
        String query = "SELECT DISTINCT " + keyList + "mlops_ts AS " + DuckTables.quote(eventTimeColumn) + " FROM ("
                + String.join(" UNION ALL ", parts) + ") ORDER BY " + DuckTables.quote(eventTimeColumn) + ", "
                + keyList.substring(0, keyList.length() - 2);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement setup = db.createStatement()) {
            setup.execute("SET TimeZone = 'UTC'");
            try (PreparedStatement ps = db.prepareStatement(query)) {
                for (int i = 0; i < parts.size(); i++) {
                    ps.setObject(2 * i + 1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
                    ps.setObject(2 * i + 2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return DuckTables.read(rs, Schema.of(columns));
                }
            }
        } catch (SQLException e) {
            throw new MlopsException("reading entity rows failed: " + e.getMessage(), e, false);
        }
    }

    private Table join(Statement sql, Schema schema, int rowCount, String eventTimeColumn, List<ViewQuery> views)
            throws SQLException {
        StringBuilder select = new StringBuilder("SELECT ");
        for (Column c : schema.columns()) {
            select.append("e.").append(DuckTables.quote(c.name())).append(", ");
        }
        StringBuilder from = new StringBuilder(" FROM entity_rows e");
        List<Column> resultColumns = new ArrayList<>(schema.columns());
        for (int i = 0; i < views.size(); i++) {
            ViewQuery request = views.get(i);
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
                Column field = request.view().field(feature).orElseThrow();
                String full = request.view().name() + "__" + feature;
                select.append("CASE WHEN ").append(alias).append(".mlops_ts > e.").append(DuckTables.quote(eventTimeColumn))
                        .append(" - INTERVAL (").append(request.view().ttl().toNanos() / 1000).append(") MICROSECOND THEN ")
                        .append(alias).append('.').append(DuckTables.quote(feature)).append(" END AS ").append(DuckTables.quote(full)).append(", ");
                resultColumns.add(Column.of(full, field.type()));
            }
            from.append(" ASOF LEFT JOIN ").append(alias).append(" ON ");
            for (Column key : request.joinKeys()) {
                String k = DuckTables.quote(key.name());
                from.append("e.").append(k).append(" = ").append(alias).append('.').append(k).append(" AND ");
            }
            from.append("e.").append(DuckTables.quote(eventTimeColumn)).append(" >= ").append(alias).append(".mlops_ts");
        }
        select.setLength(select.length() - 2);
        try (ResultSet rs = sql.executeQuery(select + from.toString() + " ORDER BY e." + ROW)) {
            return DuckTables.read(rs, Schema.of(resultColumns), rowCount);
        }
    }

    @Override
    public FeatureStatistics statistics(ViewQuery query, Instant now) {
        FeatureView view = query.view();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            sql.execute("SET TimeZone = 'UTC'");
            sql.execute("CREATE TEMP VIEW src AS " + (noData(query) ? emptySource(query) : source(query)));
            long rows;
            try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM src")) {
                rs.next();
                rows = rs.getLong(1);
            }
            Map<String, FeatureStatistics.Field> stats = new LinkedHashMap<>();
            for (String feature : query.features()) {
                Column field = view.field(feature).orElseThrow();
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

    @Override
    public long latest(ViewQuery query, Instant from, Instant to, @Nullable List<Object> afterKey, int chunk,
            ChunkConsumer consumer) {
        Checks.notNull("query", query);
        Checks.notNull("consumer", consumer);
        if (chunk < 1) {
            throw new ValidationException("chunk", "be at least 1", chunk);
        }
        if (afterKey != null && afterKey.size() != query.joinKeys().size()) {
            throw new ValidationException("afterKey", "hold one value per join key " + query.joinKeys(), afterKey);
        }
        FeatureView view = query.view();
        if (noData(query)) {
            return 0;
        }
        StringBuilder keys = new StringBuilder();
        StringBuilder known = new StringBuilder();
        for (Column key : query.joinKeys()) {
            keys.append(DuckTables.quote(key.name())).append(", ");
            known.append(" AND ").append(DuckTables.quote(key.name())).append(" IS NOT NULL");
        }
        String order = keys.substring(0, keys.length() - 2);
        StringBuilder columns = new StringBuilder(keys);
        for (String feature : query.features()) {
            columns.append(DuckTables.quote(feature)).append(", ");
        }
        String after = afterKey == null ? "" : " AND (" + order + ") > (" + "?, ".repeat(afterKey.size() - 1) + "?)";
        String sql = "SELECT " + columns + "epoch_us(mlops_ts) FROM (" + projection(query) + ") WHERE mlops_ts >= ? AND mlops_ts < ?"
                + known + after
                + " QUALIFY row_number() OVER (PARTITION BY " + order + " ORDER BY mlops_ts DESC, mlops_created DESC NULLS LAST) = 1"
                + " ORDER BY " + order;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement setup = db.createStatement()) {
            setup.execute("SET TimeZone = 'UTC'");
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
                for (int i = 0; afterKey != null && i < afterKey.size(); i++) {
                    Object v = afterKey.get(i);
                    ps.setObject(3 + i, v instanceof Instant ? LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC) : v);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<OnlineRow> rows = new ArrayList<>(chunk);
                    long done = 0;
                    int nKeys = query.joinKeys().size();
                    List<ColumnType> types = new ArrayList<>();
                    query.joinKeys().forEach(k -> types.add(k.type()));
                    query.features().forEach(f -> types.add(view.field(f).orElseThrow().type()));
                    while (rs.next()) {
                        List<Object> keyValues = new ArrayList<>(nKeys);
                        List<Object> values = new ArrayList<>(types.size() - nKeys);
                        for (int i = 0; i < types.size(); i++) {
                            Object v = DuckTables.value(rs, i + 1, types.get(i));
                            if (i < nKeys) {
                                keyValues.add(v);
                            } else {
                                values.add(v);
                            }
                        }
                        long micros = rs.getLong(types.size() + 1);
                        rows.add(new OnlineRow(keyValues, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                                Math.floorMod(micros, 1_000_000L) * 1_000L), values));
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
            try (ResultSet rs = setup.executeQuery("SELECT count(*) FROM (" + projection(query) + ") WHERE mlops_ts IS NULL"
                    + known.toString().replace(" AND ", " OR ").replace("IS NOT NULL", "IS NULL"))) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new MlopsException("materialization query of " + view.versionedName() + " failed: " + e.getMessage(), e,
                    e.getMessage() == null || !e.getMessage().contains("Conversion Error") && !e.getMessage().contains("Invalid Input"));
        }
    }

    private static Double number(ResultSet rs, int column) throws SQLException {
        double d = rs.getDouble(column);
        return rs.wasNull() ? null : d;
    }

    /**
     * A view's rows with equal key and event time reduced to the one created last. Without a
     * created-time column nothing orders such rows, so they are left for the join to pick one.
     */
    private String source(ViewQuery request) {
        if (request.view().source().createdColumn().isEmpty()) {
            return projection(request);
        }
        StringBuilder keys = new StringBuilder();
        for (Column key : request.joinKeys()) {
            keys.append(DuckTables.quote(key.name())).append(", ");
        }
        return "SELECT * FROM (" + projection(request) + ") QUALIFY row_number() OVER (PARTITION BY " + keys
                + "mlops_ts ORDER BY mlops_created DESC NULLS LAST) = 1";
    }

    /** A view's rows as typed keys, features, {@code mlops_ts} and {@code mlops_created}. */
    private String projection(ViewQuery request) {
        FeatureView view = request.view();
        FeatureSource source = view.source();
        String reader;
        if (logged(source)) {
            reader = "read_csv('" + pushLog(source).toString().replace("'", "''") + "/*.csv', header = true, union_by_name = true, all_varchar = true)";
        } else {
            Path file = source.path().orElseThrow(() -> new ValidationException("feature view " + view.versionedName()
                    + " source", "be a CSV, Parquet or push source for offline reads", source.kind()));
            boolean parquet = source.kind() == FeatureSource.Kind.PARQUET;
            String path = (Files.isDirectory(file) ? file.resolve(parquet ? "*.parquet" : "*.csv") : file).toString()
                    .replace("'", "''");
            reader = parquet ? "read_parquet('" + path + "', union_by_name = true)"
                    : "read_csv('" + path + "', header = true, union_by_name = true, all_varchar = true)";
        }
        boolean text = source.kind() != FeatureSource.Kind.PARQUET;
        StringBuilder columns = new StringBuilder();
        for (Column key : request.joinKeys()) {
            columns.append(cast(key.name(), key.type(), text)).append(" AS ").append(DuckTables.quote(key.name())).append(", ");
        }
        for (String feature : request.features()) {
            columns.append(cast(feature, view.field(feature).orElseThrow().type(), text)).append(" AS ")
                    .append(DuckTables.quote(feature)).append(", ");
        }
        columns.append(cast(source.timestampColumn(), ColumnType.TIMESTAMP, text)).append(" AS mlops_ts");
        columns.append(", ").append(source.createdColumn().map(c -> cast(c, ColumnType.TIMESTAMP, text))
                .orElse("CAST(NULL AS TIMESTAMP)")).append(" AS mlops_created");
        return "SELECT " + columns + " FROM " + reader;
    }

    /**
     * Converts a source column to a column type. CSV columns are read as text and converted
     * strictly: a whole number must be written as one ({@code 1.5} is refused, not rounded), and
     * times with an offset are converted to UTC (times without one are UTC). Parquet columns are
     * typed already; a {@code TIMESTAMP WITH TIME ZONE} becomes UTC through the session's time zone.
     */
    private static String cast(String column, ColumnType type, boolean text) {
        String c = DuckTables.quote(column);
        if (type == ColumnType.TIMESTAMP && text) {
            return "CAST(CAST(" + c + " AS TIMESTAMPTZ) AS TIMESTAMP)";
        }
        if (type == ColumnType.LONG && text) {
            return "CASE WHEN " + c + " IS NULL OR regexp_full_match(" + c + ", '\\s*[+-]?[0-9]+\\s*') THEN CAST(" + c
                    + " AS BIGINT) ELSE error(concat('column " + column.replace("'", "''") + " holds ', " + c
                    + ", ', which is not a whole number')) END";
        }
        return "CAST(" + c + " AS " + DuckTables.sqlType(type) + ")";
    }

    private Path pushLog(FeatureSource source) {
        return pushLogs.resolve(source.name());
    }

    private boolean noData(ViewQuery request) {
        return logged(request.view().source()) && !hasCsv(pushLog(request.view().source()));
    }

    /** Push and stream sources: their rows are appended to a log named after the source. */
    private static boolean logged(FeatureSource source) {
        return source.kind() == FeatureSource.Kind.PUSH || source.kind() == FeatureSource.Kind.STREAM;
    }

    private static boolean hasCsv(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".csv"));
        } catch (IOException e) {
            throw new MlopsException("cannot list " + dir + ": " + e, e, true);
        }
    }

    private static String emptySource(ViewQuery request) {
        StringBuilder columns = new StringBuilder();
        for (Column key : request.joinKeys()) {
            columns.append("NULL::").append(DuckTables.sqlType(key.type())).append(" AS ").append(DuckTables.quote(key.name())).append(", ");
        }
        for (String feature : request.features()) {
            columns.append("NULL::").append(DuckTables.sqlType(request.view().field(feature).orElseThrow().type())).append(" AS ")
                    .append(DuckTables.quote(feature)).append(", ");
        }
        return "SELECT " + columns + "NULL::TIMESTAMP AS mlops_ts WHERE false";
    }
}
