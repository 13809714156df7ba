package dev.mlops.core.feature;

import dev.mlops.api.feature.OnlineRow;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The newest event time this process has put into the online store per view version (by
 * materialization or push), and the {@code mlops.feature.freshness} gauge of each: seconds from that
 * event time to the clock's now, registered when a view first gets data. Rows written by other
 * processes, or before this one started, are not known here.
 */
final class Freshness {
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, AtomicReference<Instant>> newest = new ConcurrentHashMap<>();

    Freshness(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.meters = meters;
    }

    /** Notes rows written to the online store for a view version. */
    void written(String view, List<OnlineRow> rows) {
        Instant max = null;
        for (OnlineRow row : rows) {
            Instant at = row.eventTime();
            if (max == null || at.isAfter(max)) {
                max = at;
            }
        }
        if (max != null) {
            written(view, max);
        }
    }

    /** Notes that the online store now holds a row of a view version with this event time. */
    void written(String view, Instant eventTime) {
        AtomicReference<Instant> holder = newest.get(view);
        if (holder == null) {
            AtomicReference<Instant> created = new AtomicReference<>(eventTime);
            holder = newest.putIfAbsent(view, created);
            if (holder == null) {
                Gauge.builder(MetricNames.FEATURE_FRESHNESS, created, this::seconds).baseUnit("seconds").tag(MetricNames.TAG_VIEW, view)
                        .description("Seconds since the newest event time put into the online store")
                        .strongReference(true).register(meters);
                return;
            }
        }
        holder.accumulateAndGet(eventTime, (a, b) -> b.isAfter(a) ? b : a);
    }

    private double seconds(AtomicReference<Instant> holder) {
        Instant at = holder.get();
        Instant now = clock.instant();
        return (now.getEpochSecond() - at.getEpochSecond()) + (now.getNano() - at.getNano()) / 1e9;
    }
}
