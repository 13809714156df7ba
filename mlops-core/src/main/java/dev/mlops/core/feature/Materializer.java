package dev.mlops.core.feature;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.data.Column;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.api.feature.OfflineStore.ViewQuery;
import dev.mlops.api.feature.OnlineStore;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.internal.StateFiles;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialization of one view at a time: the offline store streams the latest row per key in key
 * order while a writer thread loads each chunk into the online store and saves a checkpoint (the
 * window, the rows loaded, the last key) under {@code <home>/features/materialization}. A run of the
 * same window after a crash resumes after the last saved key.
 */
final class Materializer {
    private static final Logger LOG = LoggerFactory.getLogger(Materializer.class);
    /** Rows loaded into the online store per write. */
    static final int CHUNK = 10_000;
    private static final long PROGRESS_EVERY = 100_000;

    private final Path root;
    private final JsonCodec json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Freshness freshness;
    private final OfflineStore offline;
    private final Supplier<OnlineStore> online;
    private final Consumer<Event.Builder> publish;

    Materializer(Path root, JsonCodec json, Clock clock, MeterRegistry meters, Freshness freshness, OfflineStore offline,
            Supplier<OnlineStore> online, Consumer<Event.Builder> publish) {
        this.root = root;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.freshness = freshness;
        this.offline = offline;
        this.online = online;
        this.publish = publish;
    }

    /** The JSON shape of a materialization checkpoint. */
    record Checkpoint(@Nullable String from, @Nullable String to, long done, @Nullable List<String> after,
            @Nullable String end) {
    }

    /**
     * Loads the latest row per key of a view in {@code [from, to)} into the online store, resuming
     * an interrupted run of the same window after the last key it loaded.
     */
    long run(Definitions.Stored stored, FeatureView view, Instant from, Instant to) {
        Checkpoint previous = checkpoint(view);
        List<Column> keys = stored.joinKeys(view);
        boolean resume = previous != null && previous.after() != null && from.toString().equals(previous.from())
                && to.toString().equals(previous.to());
        List<Object> after = resume ? parseKey(keys, previous.after()) : null;
        long before = resume ? previous.done() : 0;
        if (resume) {
            LOG.info("Materializing {} [{}, {}) resumes after key {} ({} rows loaded before)", view.versionedName(), from, to,
                    after, before);
        }
        String priorEnd = previous == null ? null : previous.end();
        AtomicLong written = new AtomicLong();
        OnlineStore store = online.get();
        String name = view.versionedName();
        // The query fills the next chunk while a writer thread loads the last one, in order, checkpointing each.
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mlops-materialize-" + name);
            t.setDaemon(true);
            return t;
        });
        Deque<Future<?>> inFlight = new ArrayDeque<>();
        try {
            long refused = offline.latest(ViewQuery.allFields(view, keys), from, to, after, CHUNK, (rows, inCall) -> {
                long done = before + inCall;
                while (inFlight.size() >= 2) {
                    await(inFlight.removeFirst());
                }
                inFlight.add(writer.submit(() -> {
                    written.addAndGet(store.write(name, rows));
                    freshness.written(name, rows);
                    List<String> last = rows.get(rows.size() - 1).keys().stream().map(String::valueOf).toList();
                    saveCheckpoint(view, new Checkpoint(from.toString(), to.toString(), done, last, priorEnd));
                    meters.counter(MetricNames.FEATURE_MATERIALIZED_ROWS, MetricNames.TAG_VIEW, name).increment(rows.size());
                    if (done / PROGRESS_EVERY != (done - rows.size()) / PROGRESS_EVERY) {
                        LOG.info("Materializing {}: {} rows loaded", name, done);
                    }
                }));
            });
            while (!inFlight.isEmpty()) {
                await(inFlight.removeFirst());
            }
            if (refused > 0) {
                LOG.warn("Materializing {}: {} source rows left out, each without an event time or a join key", name, refused);
                meters.counter(MetricNames.FEATURE_MATERIALIZE_REFUSED, MetricNames.TAG_VIEW, name).increment(refused);
            }
        } finally {
            writer.shutdownNow();
        }
        String end = priorEnd == null || Instant.parse(priorEnd).isBefore(to) ? to.toString() : priorEnd;
        saveCheckpoint(view, new Checkpoint(null, null, 0, null, end));
        LOG.info("Materialized {} [{}, {}): {} rows written", name, from, to, written.get());
        publish.accept(Event.builder(EventTypes.FEATURE_MATERIALIZED).source("/features").subject(name)
                .time(clock.instant()).data("rows", written.get()).data("from", from.toString()).data("to", to.toString()));
        return written.get();
    }

    /** The key values a checkpoint wrote as text, typed again. */
    private static List<Object> parseKey(List<Column> keys, List<String> text) {
        if (text.size() != keys.size()) {
            throw new MlopsException("a materialization checkpoint holds " + text + " for the join keys " + keys
                    + "; delete it to start the window again");
        }
        List<Object> values = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String v = text.get(i);
            switch (keys.get(i).type()) {
                case LONG:
                    values.add(Long.parseLong(v));
                    break;
                case BOOLEAN:
                    values.add(Boolean.parseBoolean(v));
                    break;
                case TIMESTAMP:
                    values.add(Instant.parse(v));
                    break;
                case DATE:
                    values.add(LocalDate.parse(v));
                    break;
                default:
                    values.add(v);
            }
        }
        return values;
    }

    private static void await(Future<?> write) {
        try {
            write.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new MlopsException("materialization failed: " + e.getCause(), e.getCause(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("materialization interrupted", e, true);
        }
    }

    @Nullable Checkpoint checkpoint(FeatureView view) {
        byte[] bytes = StateFiles.readIfExists(checkpointFile(view));
        return bytes == null ? null : json.read(bytes, Checkpoint.class);
    }

    private void saveCheckpoint(FeatureView view, Checkpoint checkpoint) {
        StateFiles.replace(checkpointFile(view), json.write(checkpoint));
    }

    private Path checkpointFile(FeatureView view) {
        return root.resolve(view.name()).resolve(view.version() + ".json");
    }
}
