package dev.mlops.core.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.WindowAggregation;
import dev.mlops.api.feature.WindowAggregation.Aggregate;
import dev.mlops.api.feature.WindowAggregation.Function;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a {@link WindowAggregation} into the rows of a feature view, incrementally as events
 * arrive ({@link #add}, {@link #closeWindows}) or at once over a table of past events
 * ({@link #offline}); both give the same rows, up to the rounding of floating-point sums in
 * another order.
 *
 * <p>The incremental form keeps the open windows of every key. Its watermark is the latest event
 * time seen minus the allowed lateness; a window closes, and its row is emitted, once the
 * watermark reaches its end. An event is late when every window holding it has closed: it is
 * dropped, as in Kafka Streams with a grace period. Not thread-safe: one aggregator per stream
 * partition.
 *
 * <pre>{@code
 * WindowAggregator agg = WindowAggregator.forView(view, joinKeys, lastHour, Duration.ofMinutes(1));
 * agg.add(List.of(42L), eventTime, new Object[] {null, 4.5, 4.5});   // one input per aggregate
 * Table closed = agg.closeWindows();                                  // rows for store.push(...)
 * Table sameRows = WindowAggregator.offline(pastEvents, view, joinKeys, lastHour);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class WindowAggregator {
    private final WindowAggregation aggregation;
    private final List<Aggregate> aggregates;
    private final ColumnType[] inputTypes;
    private final int[] fieldOf;
    private final Schema output;
    private final int keyCount;
    private final long lateness;
    private long maxEventTime = Long.MIN_VALUE;
    /** Open windows by start, then key. */
    private final TreeMap<Long, Map<List<Object>, Accumulator>> open = new TreeMap<>();

    private WindowAggregator(FeatureView view, List<Column> joinKeys, WindowAggregation aggregation, Duration lateness) {
        this.aggregation = Checks.notNull("aggregation", aggregation);
        this.aggregates = aggregation.aggregates();
        this.lateness = Checks.notNull("allowedLateness", lateness).toMillis();
        if (lateness.isNegative()) {
            throw new ValidationException("allowedLateness", "not be negative", lateness);
        }
        this.inputTypes = new ColumnType[aggregates.size()];
        this.fieldOf = new int[aggregates.size()];
        String where = "window aggregation of " + view.versionedName();
        for (int a = 0; a < aggregates.size(); a++) {
            Aggregate aggregate = aggregates.get(a);
            Column field = view.field(aggregate.field()).orElseThrow(() -> new ValidationException(where,
                    "fill fields of the view " + view.fields().stream().map(Column::name).toList(), aggregate.field()));
            ColumnType type = field.type();
            boolean fits = switch (aggregate.function()) {
                case COUNT -> type == ColumnType.LONG;
                case MEAN -> type == ColumnType.DOUBLE;
                case SUM, MIN, MAX -> type == ColumnType.LONG || type == ColumnType.DOUBLE;
            };
            if (!fits) {
                throw new ValidationException(where, "fill field '" + field.name() + "' with a "
                        + (aggregate.function() == Function.COUNT ? "LONG" : aggregate.function() == Function.MEAN ? "DOUBLE"
                        : "LONG or DOUBLE") + " for " + aggregate.function(), type);
            }
            inputTypes[a] = aggregate.function() == Function.COUNT ? null : aggregate.function() == Function.MEAN ? ColumnType.DOUBLE : type;
            fieldOf[a] = view.fields().indexOf(field);
        }
        if (aggregates.size() != view.fields().size()) {
            List<String> filled = aggregates.stream().map(Aggregate::field).toList();
            throw new ValidationException(where, "fill every field of the view",
                    view.fields().stream().map(Column::name).filter(f -> !filled.contains(f)).toList());
        }
        this.keyCount = joinKeys.size();
        List<Column> columns = new ArrayList<>(joinKeys);
        columns.add(Column.of(view.source().timestampColumn(), ColumnType.TIMESTAMP));
        columns.addAll(view.fields());
        this.output = Schema.of(columns);
    }

    /**
     * An aggregator that fills a view's fields.
     *
     * @param view the view whose fields the aggregates fill, every field once
     * @param joinKeys the join keys of the view's entities, in order
     * @param aggregation the aggregation
     * @param allowedLateness how far behind the latest event time an event may arrive and still count
     * @return the aggregator, with no window open
     * @throws ValidationException if an aggregate names no field of the view, a field is left unfilled
     *     or has a type its function cannot fill
     */
    public static WindowAggregator forView(FeatureView view, List<Column> joinKeys, WindowAggregation aggregation,
            Duration allowedLateness) {
        Checks.notNull("view", view);
        Checks.notNull("joinKeys", joinKeys);
        return new WindowAggregator(view, List.copyOf(joinKeys), aggregation, allowedLateness);
    }

    /**
     * The type each aggregate reads its input as: {@code null} for a count, else {@code LONG} or {@code DOUBLE}.
     *
     * @return one type per aggregate, in the aggregation's order
     */
    public List<@Nullable ColumnType> inputTypes() {
        return Arrays.asList(inputTypes.clone());
    }

    /**
     * The rows' schema: the join keys, the event-time column (the window end) and the view's fields.
     *
     * @return the schema, as {@code FeatureStore.push} takes it
     */
    public Schema outputSchema() {
        return output;
    }

    /**
     * The latest event time seen, in epoch milliseconds.
     *
     * @return it, or {@link Long#MIN_VALUE} before the first event
     */
    public long maxEventTime() {
        return maxEventTime;
    }

    /**
     * Resumes after a restart: windows that ended at or before the watermark of this event time
     * were emitted already, so events are only added to windows still open.
     *
     * @param epochMillis the latest event time seen before
     */
    public void resume(long epochMillis) {
        maxEventTime = Math.max(maxEventTime, epochMillis);
    }

    /**
     * Tells whether every window that holds an event time has closed.
     *
     * @param eventTime the event time
     * @return {@code true} if an event at that time would be dropped
     */
    public boolean late(Instant eventTime) {
        return closesAt(eventTime) <= watermark();
    }

    /**
     * When the last window holding an event time closes.
     *
     * @param eventTime the event time
     * @return the end of that window, in epoch milliseconds
     */
    public long closesAt(Instant eventTime) {
        return aggregation.lastStart(eventTime) + aggregation.size().toMillis();
    }

    private long watermark() {
        return maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - lateness;
    }

    /**
     * Adds an event to every open window that holds it.
     *
     * @param key the join key values
     * @param eventTime the event time
     * @param inputs one value per aggregate, of its {@linkplain #inputTypes() input type} or {@code null}
     * @return {@code false} if the event is late and was dropped
     */
    public boolean add(List<Object> key, Instant eventTime, @Nullable Object[] inputs) {
        if (late(eventTime)) {
            return false;
        }
        long size = aggregation.size().toMillis();
        long watermark = watermark();
        for (long start = aggregation.firstStart(eventTime); start <= aggregation.lastStart(eventTime);
                start += aggregation.slide().toMillis()) {
            if (start + size > watermark) {
                open.computeIfAbsent(start, s -> new HashMap<>()).computeIfAbsent(key, k -> new Accumulator(inputTypes))
                        .add(inputs);
            }
        }
        maxEventTime = Math.max(maxEventTime, eventTime.toEpochMilli());
        return true;
    }

    /**
     * Emits and forgets the windows that the watermark has passed.
     *
     * @return their rows, by window end
     */
    public Table closeWindows() {
        Table.Builder rows = Table.builder(output);
        long size = aggregation.size().toMillis();
        while (!open.isEmpty() && open.firstKey() + size <= watermark()) {
            Map.Entry<Long, Map<List<Object>, Accumulator>> window = open.pollFirstEntry();
            Instant end = Instant.ofEpochMilli(window.getKey() + size);
            window.getValue().forEach((key, acc) -> rows.addRow(row(key, end, acc)));
        }
        return rows.build();
    }

    /**
     * Computes the aggregation over past events at once: every window that holds an event, closed or not.
     *
     * @param events the join keys, the view source's event-time column and the aggregates' input
     *     columns ({@code LONG} or {@code DOUBLE}; a {@code LONG} aggregate needs a {@code LONG} column)
     * @param view the view whose fields the aggregates fill
     * @param joinKeys the join keys of its entities
     * @param aggregation the aggregation
     * @return the rows, by window end
     * @throws ValidationException if a column is missing or has another type
     */
    public static Table offline(Table events, FeatureView view, List<Column> joinKeys, WindowAggregation aggregation) {
        Checks.notNull("events", events);
        WindowAggregator shape = forView(view, joinKeys, aggregation, Duration.ZERO);
        int[] keyColumns = joinKeys.stream().mapToInt(k -> column(events, k.name(), k.type())).toArray();
        int ts = column(events, view.source().timestampColumn(), ColumnType.TIMESTAMP);
        int[] inputColumns = new int[shape.aggregates.size()];
        for (int a = 0; a < inputColumns.length; a++) {
            ColumnType type = shape.inputTypes[a];
            inputColumns[a] = type == null ? -1 : column(events, shape.aggregates.get(a).column(),
                    type == ColumnType.LONG ? ColumnType.LONG : null);
        }
        Map<List<Object>, List<Integer>> byKey = new LinkedHashMap<>();
        for (int r = 0; r < events.rowCount(); r++) {
            List<Object> key = new ArrayList<>(keyColumns.length);
            for (int k : keyColumns) {
                key.add(present(events, r, k));
            }
            present(events, r, ts);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        long size = aggregation.size().toMillis();
        List<Object[]> rows = new ArrayList<>();
        byKey.forEach((key, rowsOfKey) -> {
            rowsOfKey.sort(Comparator.comparing(r -> (Instant) events.value(r, ts)));
            long[] times = rowsOfKey.stream().mapToLong(r -> ((Instant) events.value(r, ts)).toEpochMilli()).toArray();
            TreeSet<Long> starts = new TreeSet<>();
            for (int i = 0; i < times.length; i++) {
                Instant t = Instant.ofEpochMilli(times[i]);
                for (long s = aggregation.firstStart(t); s <= aggregation.lastStart(t); s += aggregation.slide().toMillis()) {
                    starts.add(s);
                }
            }
            for (long start : starts) {
                Accumulator acc = new Accumulator(shape.inputTypes);
                for (int i = firstAtOrAfter(times, start); i < times.length && times[i] < start + size; i++) {
                    Object[] inputs = new Object[inputColumns.length];
                    for (int a = 0; a < inputs.length; a++) {
                        inputs[a] = inputColumns[a] < 0 ? null : number(events.value(rowsOfKey.get(i), inputColumns[a]), shape.inputTypes[a]);
                    }
                    acc.add(inputs);
                }
                rows.add(shape.row(key, Instant.ofEpochMilli(start + size), acc));
            }
        });
        rows.sort(Comparator.comparing(r -> (Instant) r[joinKeys.size()]));
        Table.Builder out = Table.builder(shape.output, rows.size());
        rows.forEach(out::addRow);
        return out.build();
    }

    private Object[] row(List<Object> key, Instant end, Accumulator acc) {
        Object[] row = new Object[output.size()];
        for (int k = 0; k < keyCount; k++) {
            row[k] = key.get(k);
        }
        row[keyCount] = end;
        for (int a = 0; a < aggregates.size(); a++) {
            row[keyCount + 1 + fieldOf[a]] = acc.result(a, aggregates.get(a).function());
        }
        return row;
    }

    private static int firstAtOrAfter(long[] sorted, long time) {
        int i = Arrays.binarySearch(sorted, time);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == time) {
            i--;
        }
        return i;
    }

    /** The index of a column of a type ({@code null}: LONG or DOUBLE). */
    private static int column(Table events, String name, @Nullable ColumnType type) {
        if (!events.schema().has(name)) {
            throw new ValidationException("events", "have a column '" + name + "'", events.schema());
        }
        ColumnType found = events.schema().column(name).type();
        boolean fits = type == null ? found == ColumnType.LONG || found == ColumnType.DOUBLE : found == type;
        if (!fits) {
            throw new ValidationException("events column '" + name + "'", "be " + (type == null ? "LONG or DOUBLE" : type), found);
        }
        return events.schema().indexOf(name);
    }

    private static Object present(Table events, int row, int column) {
        Object value = events.value(row, column);
        if (value == null) {
            throw new ValidationException("events row " + row, "have a " + events.schema().columns().get(column).name(), null);
        }
        return value;
    }

    private static @Nullable Object number(@Nullable Object value, ColumnType type) {
        return value == null || type == ColumnType.LONG ? value : (Object) ((Number) value).doubleValue();
    }

    /** One window of one key: the event count, and per aggregate the non-null count, sum, min and max. */
    private static final class Accumulator {
        private final ColumnType[] types;
        private long events;
        private final long[] present;
        private final long[] longs;
        private final double[] doubles;
        private final long[] longMin;
        private final long[] longMax;
        private final double[] doubleMin;
        private final double[] doubleMax;

        Accumulator(ColumnType[] types) {
            this.types = types;
            int n = types.length;
            present = new long[n];
            longs = new long[n];
            doubles = new double[n];
            longMin = new long[n];
            longMax = new long[n];
            doubleMin = new double[n];
            doubleMax = new double[n];
        }

        void add(@Nullable Object[] inputs) {
            events++;
            for (int a = 0; a < types.length; a++) {
                Object v = inputs[a];
                if (v == null || types[a] == null) {
                    continue;
                }
                boolean first = present[a]++ == 0;
                if (types[a] == ColumnType.LONG) {
                    long x = (Long) v;
                    longs[a] += x;
                    longMin[a] = first ? x : Math.min(longMin[a], x);
                    longMax[a] = first ? x : Math.max(longMax[a], x);
                } else {
                    double x = (Double) v;
                    doubles[a] += x;
                    doubleMin[a] = first ? x : Math.min(doubleMin[a], x);
                    doubleMax[a] = first ? x : Math.max(doubleMax[a], x);
                }
            }
        }

        @Nullable Object result(int a, Function function) {
            if (function == Function.COUNT) {
                return events;
            }
            if (present[a] == 0) {
                return null;
            }
            boolean whole = types[a] == ColumnType.LONG;
            return switch (function) {
                case SUM -> whole ? (Object) longs[a] : (Object) doubles[a];
                case MEAN -> doubles[a] / present[a];
                case MIN -> whole ? (Object) longMin[a] : (Object) doubleMin[a];
                case MAX -> whole ? (Object) longMax[a] : (Object) doubleMax[a];
                case COUNT -> throw new IllegalStateException();
            };
        }
    }
}
