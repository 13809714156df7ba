package dev.mlops.api.feature;

import java.util.List;
import java.util.Optional;

/**
 * Where online features live: the latest row per key of each view version, read by
 * {@link FeatureStore#onlineFeatures}, written by materialization and pushes. This is an SPI: the
 * core keeps rows in RocksDB; other stores plug in through
 * {@code MlopsPlatform.builder().onlineStore(...)} and pass the {@code OnlineStoreTck} of the testkit.
 * TTLs are enforced by the feature store on read, so a store returns what it holds.
 *
 * <pre>{@code
 * store.write("user_stats@1", List.of(new OnlineRow(List.of(42L), eventTime, List.of(4.5))));
 * Optional<OnlineRow> row = store.read("user_stats@1", List.of(List.of(42L))).get(0);
 * }</pre>
 *
 * @since 0.1.0
 */
public interface OnlineStore extends AutoCloseable {
    /**
     * Writes rows of one view version. A row replaces the stored row of its key unless the stored one
     * has a later event time (of equal event times, the row written last wins), so writing the same
     * rows twice, or older rows after newer ones, changes nothing that a read returns. Of several
     * rows of one key in a call the latest wins likewise.
     *
     * @param view the view version, e.g. {@code user_stats@1}
     * @param rows the rows
     * @return how many rows were handed to the store (older ones included: they lose at read time)
     * @throws dev.mlops.api.MlopsException if the store cannot be written (retryable when transient)
     */
    long write(String view, List<OnlineRow> rows);

    /**
     * Reads the rows of keys of one view version.
     *
     * @param view the view version
     * @param keys the join-key values of each key
     * @return one entry per key, in order, empty where nothing is stored
     */
    List<Optional<OnlineRow>> read(String view, List<List<Object>> keys);

    /**
     * Removes every row of a view version.
     *
     * @param view the view version
     * @return how many rows were removed
     */
    long delete(String view);

    /** Releases the store's resources. */
    @Override
    void close();
}
