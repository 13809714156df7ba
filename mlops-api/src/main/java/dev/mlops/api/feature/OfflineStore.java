package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.Table;
import java.time.Instant;
import java.util.List;

/**
 * Where historical features are read: point-in-time joins for training, the latest rows per key for
 * materialization, statistics, and the log that pushed rows are kept in. This is an SPI: the core
 * runs it on an in-process DuckDB over the views' CSV and Parquet sources; a JDBC engine can plug in
 * through {@code MlopsPlatform.builder().offlineStore(...)} and pass the {@code OfflineStoreTck} of
 * the testkit.
 *
 * <pre>{@code
 * Table training = offline.historical(entityRows, "event_ts", List.of(
 *         new OfflineStore.ViewQuery(userStats, List.of(Column.of("user_id", ColumnType.LONG)), List.of("avg_rating"))));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface OfflineStore extends AutoCloseable {
    /**
     * One view's part of a read.
     *
     * @param view the view version
     * @param joinKeys the join keys of its entities, in order
     * @param features the fields to return
     */
    record ViewQuery(FeatureView view, List<Column> joinKeys, List<String> features) {
        /**
         * Checks the query.
         *
         * @param view the view
         * @param joinKeys the keys
         * @param features the features, each a field of the view
         */
        public ViewQuery {
            Checks.notNull("view query view", view);
            joinKeys = List.copyOf(joinKeys);
            features = List.copyOf(features);
            for (String feature : features) {
                if (view.field(feature).isEmpty()) {
                    throw new ValidationException("feature", "be a field of " + view.versionedName(), feature);
                }
            }
        }

        /**
         * A query for every field of a view.
         *
         * @param view the view
         * @param joinKeys the keys
         * @return the query
         */
        public static ViewQuery allFields(FeatureView view, List<Column> joinKeys) {
            return new ViewQuery(view, joinKeys, view.fields().stream().map(Column::name).toList());
        }
    }

    /** Receives the rows of a materialization chunk by chunk. */
    @FunctionalInterface
    interface ChunkConsumer {
        /**
         * Takes one chunk.
         *
         * @param rows the rows, in key order
         * @param done the rows handed over so far by this call, this chunk included
         */
        void accept(List<OnlineRow> rows, long done);
    }

    /**
     * Joins features to entity rows as of each row's event time: per view, the latest row of the
     * same key with event time at or before the entity row's and after it minus the view's TTL; ties
     * on event time go to the latest created time; rows without a match keep nulls.
     *
     * @param entityRows the rows to label, with every view's join keys
     * @param eventTimeColumn their {@code TIMESTAMP} column
     * @param views the views and features to join
     * @return the entity rows' columns in their order, then one {@code view__feature} column per feature
     * @throws dev.mlops.api.ValidationException if the entity rows lack a join key or the event-time column
     */
    Table historical(Table entityRows, String eventTimeColumn, List<ViewQuery> views);

    /**
     * The distinct keys and event times of the views' rows with event time in {@code [from, to)},
     * as entity rows for {@link #historical} (retrieval without entity rows).
     *
     * @param views views that share one set of join keys
     * @param from the earliest event time
     * @param to the first event time excluded
     * @param eventTimeColumn the name of the event-time column to return
     * @return the join keys, then the event-time column, ordered by time then keys
     */
    Table entityRows(List<ViewQuery> views, Instant from, Instant to, String eventTimeColumn);

    /**
     * Streams the latest row per key with event time in {@code [from, to)}, ordered by key, in chunks.
     * Source rows without an event time or with a null join key cannot be served; they are left out
     * and counted. A run that was interrupted resumes after the last key it handed over, so rows
     * added to the source in between are neither skipped nor handed over twice.
     *
     * @param view the view, with all its fields
     * @param from the earliest event time
     * @param to the first event time excluded
     * @param afterKey the join-key values of the last row an interrupted run handed over, or
     *     {@code null} to start at the first key
     * @param chunk rows per chunk
     * @param consumer receives each chunk
     * @return how many source rows were left out for a missing event time or join key
     * @throws dev.mlops.api.ValidationException if chunk is not positive or afterKey has another
     *     number of values than the view has join keys
     */
    long latest(ViewQuery view, Instant from, Instant to, @Nullable List<Object> afterKey, int chunk, ChunkConsumer consumer);

    /**
     * Computes statistics of the fields of a view over its source.
     *
     * @param view the view, with the fields to describe
     * @param now the time to record
     * @return the statistics
     */
    FeatureStatistics statistics(ViewQuery view, Instant now);

    /**
     * Keeps pushed rows, so that reads of views over the push source see them.
     *
     * @param pushSource the push source's name
     * @param rows the rows, already validated against the views that read the source
     */
    void append(String pushSource, Table rows);

    /** Releases the store's resources. */
    @Override
    void close();
}
