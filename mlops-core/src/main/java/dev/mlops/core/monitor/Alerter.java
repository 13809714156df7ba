package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.AlertSink;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What monitors call when something is wrong, and again when it is over: it turns a stream of
 * repeated findings into one alert per incident and sends it to every sink.
 *
 * <ul>
 *   <li>While a key fires, further fires of it are suppressed, unless they raise the severity (an
 *       escalation is sent).</li>
 *   <li>{@link #resolve(String)} sends one RESOLVED alert for a firing key, and nothing otherwise.</li>
 *   <li>After a resolve, fires of the same key are suppressed for the {@code cooldown}, so a flapping
 *       check does not page anyone twice in a row.</li>
 *   <li>A sink that throws is logged and counted; the other sinks still get the alert and the caller
 *       never sees the exception.</li>
 *   <li>At most {@code maxKeys} keys are remembered; the longest-resolved are forgotten first.</li>
 * </ul>
 *
 * <p>Each outcome is counted in {@link MetricNames#MONITOR_ALERTS} by sink: {@code sent}, {@code failed}
 * and {@code suppressed}. With an event bus, each alert sent is also published as
 * {@link EventTypes#MONITOR_ALERT_FIRED} or {@link EventTypes#MONITOR_ALERT_RESOLVED} (subject: the key;
 * data: severity, title, text, labels), counted as the sink {@code events}. Sinks are called on the
 * calling thread unless an executor is given; one thread keeps the alerts of a key in order. Thread-safe.
 *
 * <pre>{@code
 * Alerter alerter = Alerter.builder()
 *         .sink(LogAlertSink.create())
 *         .sink(WebhookAlertSink.builder(URI.create(slackUrl)).name("slack").build())
 *         .eventBus(mlops.eventBus())
 *         .cooldown(Duration.ofMinutes(10))
 *         .meterRegistry(prometheus)
 *         .build();
 * if (psi > 0.2) {
 *     alerter.fire("drift/movie-star-rater", Alert.Severity.WARNING, "Drift on movie-star-rater",
 *             "PSI " + psi + " on avg_rating", Map.of("model", "movie-star-rater"));
 * } else {
 *     alerter.resolve("drift/movie-star-rater");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Alerter {
    private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);
    /** The sink name under which events on the bus are counted. */
    static final String EVENTS_SINK = "events";
    /** The source of the events the alerter publishes. */
    static final String EVENT_SOURCE = "/monitor/alerter";

    private final List<Destination> destinations = new ArrayList<>();
    private final Duration cooldown;
    private final int maxKeys;
    private final Clock clock;
    private final @Nullable Executor executor;
    private final Object lock = new Object();
    /** The alert each firing key last sent, oldest incident first. */
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    /** When each resolved key resolved, oldest first. */
    private final Map<String, Instant> resolved = new LinkedHashMap<>();

    /** A sink with its counters. */
    private record Destination(String name, AlertSink sink, Counter sent, Counter failed, Counter suppressed) {
    }

    private Alerter(Builder b) {
        this.cooldown = b.cooldown;
        this.maxKeys = b.maxKeys;
        this.clock = b.clock;
        this.executor = b.executor;
        MeterRegistry meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        Map<String, AlertSink> sinks = new LinkedHashMap<>(b.sinks);
        if (b.eventBus != null) {
            sinks.put(EVENTS_SINK, events(b.eventBus));
        }
        sinks.forEach((name, sink) -> destinations.add(new Destination(name, sink, counter(meters, name, "sent"),
                counter(meters, name, "failed"), counter(meters, name, "suppressed"))));
    }

    /**
     * Starts an alerter.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Raises an alert, unless its key is firing already (at the same or a higher severity) or resolved
     * less than the cooldown ago.
     *
     * <pre>{@code
     * alerter.fire(Alert.firing("latency/rater", Alert.Severity.CRITICAL, "Rater is slow", "p99 812 ms"));
     * }</pre>
     *
     * @param alert a firing alert
     * @return {@code true} if it was handed to the sinks, {@code false} if it was suppressed
     * @throws ValidationException if the alert is null or not {@link Alert.Status#FIRING}
     */
    public boolean fire(Alert alert) {
        Checks.notNull("alert", alert);
        if (alert.status() != Alert.Status.FIRING) {
            throw new ValidationException("alert.status", "be FIRING to fire (use resolve(key) to resolve)",
                    alert.status());
        }
        Instant now = clock.instant();
        synchronized (lock) {
            Alert current = firing.get(alert.key());
            Instant resolvedAt = resolved.get(alert.key());
            boolean repeat = current != null && alert.severity().compareTo(current.severity()) <= 0;
            boolean coolingDown = resolvedAt != null && now.isBefore(resolvedAt.plus(cooldown));
            if (repeat || coolingDown) {
                destinations.forEach(d -> d.suppressed.increment());
                LOG.debug("Alert {} suppressed ({})", alert.key(), repeat ? "firing already" : "cooling down");
                return false;
            }
            resolved.remove(alert.key());
            if (current == null) {
                makeRoom();
            }
            firing.put(alert.key(), alert);
        }
        dispatch(alert);
        return true;
    }

    /**
     * Raises an alert made now, with labels; see {@link #fire(Alert)}.
     *
     * @param key the incident key, e.g. {@code drift/movie-star-rater}
     * @param severity the severity
     * @param title the headline
     * @param text the details, possibly empty
     * @param labels the labels, possibly empty
     * @return {@code true} if it was handed to the sinks, {@code false} if it was suppressed
     * @throws ValidationException naming the first field that breaks a rule of {@link Alert}
     */
    public boolean fire(String key, Alert.Severity severity, String title, String text, Map<String, String> labels) {
        return fire(new Alert(key, severity, title, text, labels, Alert.Status.FIRING, clock.instant()));
    }

    /**
     * Ends an incident: if the key is firing, sends its last alert once more as
     * {@link Alert.Status#RESOLVED}, stamped now, and starts the key's cooldown.
     *
     * @param key the incident key
     * @return {@code true} if a resolved alert was sent, {@code false} if the key was not firing
     * @throws ValidationException if the key is blank
     */
    public boolean resolve(String key) {
        Checks.text("alert.key", key, Alert.MAX_KEY_LENGTH);
        Instant now = clock.instant();
        Alert over;
        synchronized (lock) {
            Alert current = firing.remove(key);
            if (current == null) {
                return false;
            }
            resolved.put(key, now);
            over = current.resolved(now);
        }
        dispatch(over);
        return true;
    }

    /**
     * The incidents going on now.
     *
     * @return the last alert sent for each firing key, oldest incident first; a snapshot
     */
    public List<Alert> firing() {
        synchronized (lock) {
            return List.copyOf(firing.values());
        }
    }

    /** Forgets the longest-resolved key, or if every key fires, the oldest incident, when the keys are at the limit. */
    private void makeRoom() {
        if (firing.size() + resolved.size() < maxKeys) {
            return;
        }
        boolean anyResolved = !resolved.isEmpty();
        Iterator<String> oldest = (anyResolved ? resolved : firing).keySet().iterator();
        String forgotten = oldest.next();
        oldest.remove();
        if (!anyResolved) {
            LOG.warn("Alerter tracks {} keys, all firing; forgot the oldest incident {}, whose resolve will send nothing",
                    maxKeys, forgotten);
        }
    }

    private void dispatch(Alert alert) {
        if (executor == null) {
            deliver(alert);
            return;
        }
        try {
            executor.execute(() -> deliver(alert));
        } catch (RejectedExecutionException e) {
            destinations.forEach(d -> d.failed.increment());
            LOG.warn("Alert {} {} was not delivered: the executor refused it ({})", alert.status(), alert.key(),
                    e.toString());
        }
    }

    private void deliver(Alert alert) {
        for (Destination d : destinations) {
            try {
                d.sink.send(alert);
                d.sent.increment();
            } catch (RuntimeException e) {
                d.failed.increment();
                LOG.warn("Alert {} {} was not delivered to sink {}: {}", alert.status(), alert.key(), d.name,
                        e.toString());
            }
        }
    }

    private static AlertSink events(EventBus bus) {
        return alert -> bus.publish(Event.builder(alert.status() == Alert.Status.FIRING
                        ? EventTypes.MONITOR_ALERT_FIRED : EventTypes.MONITOR_ALERT_RESOLVED)
                .source(EVENT_SOURCE)
                .subject(alert.key())
                .time(alert.at())
                .data("severity", alert.severity().name())
                .data("title", alert.title())
                .data("text", alert.text())
                .data("labels", alert.labels())
                .build());
    }

    private static Counter counter(MeterRegistry meters, String sink, String outcome) {
        return Counter.builder(MetricNames.MONITOR_ALERTS).tag(MetricNames.TAG_SINK, sink)
                .tag(MetricNames.TAG_OUTCOME, outcome).description("Alerts by sink and outcome").register(meters);
    }

    /**
     * Builds an {@link Alerter}; every setter checks its value at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Map<String, AlertSink> sinks = new LinkedHashMap<>();
        private @Nullable EventBus eventBus;
        private Duration cooldown = Duration.ofMinutes(10);
        private int maxKeys = 10_000;
        private Clock clock = Clock.systemUTC();
        private @Nullable MeterRegistry meters;
        private @Nullable Executor executor;

        private Builder() {
        }

        /**
         * Adds a sink under its own {@link AlertSink#name()}.
         *
         * @param sink the sink
         * @return this builder
         * @throws ValidationException if the sink is null or another sink has its name
         */
        public Builder sink(AlertSink sink) {
            Checks.notNull("alerter.sink", sink);
            return sink(sink.name(), sink);
        }

        /**
         * Adds a sink under a name of the caller's choosing, e.g. for a lambda.
         *
         * <pre>{@code
         * Alerter.builder().sink("pager", alert -> pager.trigger(alert.key(), alert.title()));
         * }</pre>
         *
         * @param name the name in logs and in the {@code sink} tag, unique within the alerter; not {@code events}
         *     when an event bus is set
         * @param sink the sink
         * @return this builder
         * @throws ValidationException if the name is blank or taken, or the sink is null
         */
        public Builder sink(String name, AlertSink sink) {
            Checks.text("alerter.sink name", name, 64);
            Checks.notNull("alerter.sink " + name, sink);
            if (sinks.containsKey(name)) {
                throw new ValidationException("alerter.sink name", "be unique within the alerter", name);
            }
            sinks.put(name, sink);
            return this;
        }

        /**
         * Publishes every alert sent on a bus too.
         *
         * @param bus the bus
         * @return this builder
         */
        public Builder eventBus(EventBus bus) {
            this.eventBus = Checks.notNull("alerter.eventBus", bus);
            return this;
        }

        /**
         * Sets how long after a resolve further fires of the same key are suppressed.
         *
         * @param cooldown zero or more, default 10 minutes
         * @return this builder
         */
        public Builder cooldown(Duration cooldown) {
            Checks.notNull("alerter.cooldown", cooldown);
            if (cooldown.isNegative()) {
                throw new ValidationException("alerter.cooldown", "not be negative", cooldown);
            }
            this.cooldown = cooldown;
            return this;
        }

        /**
         * Sets how many keys, firing or resolved, the alerter remembers.
         *
         * @param maxKeys between 1 and 1,000,000, default 10,000
         * @return this builder
         */
        public Builder maxKeys(int maxKeys) {
            this.maxKeys = Checks.inRange("alerter.maxKeys", maxKeys, 1, 1_000_000);
            return this;
        }

        /**
         * Sets the clock that stamps alerts and times the cooldown.
         *
         * @param clock default the system clock in UTC
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("alerter.clock", clock);
            return this;
        }

        /**
         * Sets the registry the alerter records its metrics in.
         *
         * @param registry default a private {@link SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Checks.notNull("alerter.meterRegistry", registry);
            return this;
        }

        /**
         * Calls the sinks on an executor instead of the calling thread, so a slow webhook never holds up
         * a monitor. A single-thread executor keeps the alerts in order.
         *
         * <pre>{@code
         * Alerter.builder().sink(slack).executor(Executors.newSingleThreadExecutor()).build();
         * }</pre>
         *
         * @param executor the executor; its owner shuts it down
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Checks.notNull("alerter.executor", executor);
            return this;
        }

        /**
         * Creates the alerter.
         *
         * @return the alerter
         * @throws ValidationException if there is neither a sink nor an event bus, or a sink is named
         *     {@code events} next to an event bus
         */
        public Alerter build() {
            if (sinks.isEmpty() && eventBus == null) {
                throw new ValidationException("alerter.sinks", "not be empty when no event bus is set", sinks.keySet());
            }
            if (eventBus != null && sinks.containsKey(EVENTS_SINK)) {
                throw new ValidationException("alerter.sink name",
                        "not be '" + EVENTS_SINK + "', which names the event bus", EVENTS_SINK);
            }
            return new Alerter(this);
        }
    }
}
