package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.AlertSink;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AlerterTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    private static final String DRIFT = "drift/movie-star-rater";

    private final ManualClock clock = new ManualClock(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Alert> sent = new CopyOnWriteArrayList<>();

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a manual clock stays in UTC");
        }
    }

    private Alerter.Builder alerter() {
        return Alerter.builder().sink("recorder", sent::add).clock(clock).meterRegistry(meters);
    }

    private boolean fireDrift(Alerter alerter, Alert.Severity severity) {
        return alerter.fire(DRIFT, severity, "Drift on movie-star-rater", "PSI 0.31 on avg_rating",
                Map.of("model", "movie-star-rater"));
    }

    private double count(String sink, String outcome) {
        return meters.get(MetricNames.MONITOR_ALERTS).tag(MetricNames.TAG_SINK, sink)
                .tag(MetricNames.TAG_OUTCOME, outcome).counter().count();
    }

    @Test
    void sendsOneAlertWhileAKeyFiresAndOneWhenItResolves() {
        Alerter alerter = alerter().build();

        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isFalse();
        assertThat(fireDrift(alerter, Alert.Severity.INFO)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(alerter.resolve(DRIFT)).isTrue();
        assertThat(alerter.resolve(DRIFT)).isFalse();

        assertThat(sent).hasSize(2);
        Alert firing = sent.get(0);
        assertThat(firing.status()).isEqualTo(Alert.Status.FIRING);
        assertThat(firing.at()).isEqualTo(START);
        assertThat(firing.labels()).isEqualTo(Map.of("model", "movie-star-rater"));
        assertThat(sent.get(1)).isEqualTo(new Alert(DRIFT, Alert.Severity.WARNING, "Drift on movie-star-rater",
                "PSI 0.31 on avg_rating", Map.of("model", "movie-star-rater"), Alert.Status.RESOLVED,
                START.plus(Duration.ofMinutes(2))));
        assertThat(count("recorder", "sent")).isEqualTo(2.0);
        assertThat(count("recorder", "suppressed")).isEqualTo(2.0);
        assertThat(count("recorder", "failed")).isEqualTo(0.0);
        assertThat(alerter.firing()).isEmpty();
    }

    @Test
    void keysAreIndependent() {
        Alerter alerter = alerter().build();

        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isTrue();
        assertThat(alerter.fire(Alert.firing("latency/rater", Alert.Severity.CRITICAL, "Rater is slow", "p99 812 ms")))
                .isTrue();
        assertThat(alerter.resolve("latency/rater")).isTrue();

        assertThat(sent).extracting(Alert::key, Alert::status).containsExactly(
                tuple(DRIFT, Alert.Status.FIRING),
                tuple("latency/rater", Alert.Status.FIRING),
                tuple("latency/rater", Alert.Status.RESOLVED));
        assertThat(alerter.firing()).extracting(Alert::key).containsExactly(DRIFT);
    }

    @Test
    void suppressesFiresWithinTheCooldownAfterAResolve() {
        Alerter alerter = alerter().cooldown(Duration.ofMinutes(10)).build();
        fireDrift(alerter, Alert.Severity.WARNING);
        alerter.resolve(DRIFT);

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(fireDrift(alerter, Alert.Severity.CRITICAL)).isFalse();
        assertThat(alerter.firing()).isEmpty();
        assertThat(alerter.resolve(DRIFT)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isTrue();

        assertThat(sent).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED,
                Alert.Status.FIRING);
        assertThat(sent.get(2).at()).isEqualTo(START.plus(Duration.ofMinutes(10)));
        assertThat(count("recorder", "suppressed")).isEqualTo(1.0);
    }

    @Test
    void aZeroCooldownLetsAResolvedKeyFireAgainAtOnce() {
        Alerter alerter = alerter().cooldown(Duration.ZERO).build();
        fireDrift(alerter, Alert.Severity.WARNING);
        alerter.resolve(DRIFT);

        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isTrue();
        assertThat(sent).hasSize(3);
    }

    @Test
    void sendsAnEscalationButNotADeescalation() {
        Alerter alerter = alerter().build();

        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isTrue();
        assertThat(fireDrift(alerter, Alert.Severity.CRITICAL)).isTrue();
        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).isFalse();
        assertThat(alerter.firing()).extracting(Alert::severity).containsExactly(Alert.Severity.CRITICAL);
        alerter.resolve(DRIFT);

        assertThat(sent).extracting(Alert::severity, Alert::status).containsExactly(
                tuple(Alert.Severity.WARNING, Alert.Status.FIRING),
                tuple(Alert.Severity.CRITICAL, Alert.Status.FIRING),
                tuple(Alert.Severity.CRITICAL, Alert.Status.RESOLVED));
    }

    @Test
    void aFailingSinkNeitherStopsTheOthersNorThrows() {
        AlertSink broken = alert -> {
            throw new MlopsException("receiver down", null, true);
        };
        Alerter alerter = Alerter.builder().sink("broken", broken).sink("recorder", sent::add).clock(clock)
                .meterRegistry(meters).build();

        assertThat(fireDrift(alerter, Alert.Severity.CRITICAL)).isTrue();
        assertThat(alerter.resolve(DRIFT)).isTrue();

        assertThat(sent).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(count("broken", "failed")).isEqualTo(2.0);
        assertThat(count("broken", "sent")).isEqualTo(0.0);
        assertThat(count("recorder", "sent")).isEqualTo(2.0);
    }

    @Test
    void publishesFiredAndResolvedEvents() throws InterruptedException {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try (InProcessEventBus bus = InProcessEventBus.builder().name("alerts").build()) {
            bus.subscribe("dev.mlops.monitor.alert.*", events::add);
            Alerter alerter = Alerter.builder().eventBus(bus).clock(clock).meterRegistry(meters).build();

            fireDrift(alerter, Alert.Severity.CRITICAL);
            clock.advance(Duration.ofMinutes(5));
            alerter.resolve(DRIFT);

            Event fired = events.poll(10, TimeUnit.SECONDS);
            Event resolved = events.poll(10, TimeUnit.SECONDS);
            assertThat(fired).isNotNull();
            assertThat(resolved).isNotNull();
            assertThat(fired.type()).isEqualTo(EventTypes.MONITOR_ALERT_FIRED);
            assertThat(fired.subject()).contains(DRIFT);
            assertThat(fired.source().toString()).isEqualTo("/monitor/alerter");
            assertThat(fired.time()).isEqualTo(START);
            assertThat(fired.data()).isEqualTo(Map.of("severity", "CRITICAL", "title", "Drift on movie-star-rater",
                    "text", "PSI 0.31 on avg_rating", "labels", Map.of("model", "movie-star-rater")));
            assertThat(resolved.type()).isEqualTo(EventTypes.MONITOR_ALERT_RESOLVED);
            assertThat(resolved.subject()).contains(DRIFT);
            assertThat(resolved.time()).isEqualTo(START.plus(Duration.ofMinutes(5)));
            assertThat(count("events", "sent")).isEqualTo(2.0);
        }
    }

    @Test
    void forgetsTheLongestResolvedKeyFirstWhenTheKeysAreAtTheLimit() {
        Alerter alerter = alerter().maxKeys(3).build();
        alerter.fire(Alert.firing("a", Alert.Severity.WARNING, "A", ""));
        alerter.fire(Alert.firing("b", Alert.Severity.WARNING, "B", ""));
        alerter.resolve("a");
        alerter.resolve("b");
        alerter.fire(Alert.firing("c", Alert.Severity.WARNING, "C", ""));

        assertThat(alerter.fire(Alert.firing("d", Alert.Severity.WARNING, "D", ""))).isTrue();

        assertThat(alerter.fire(Alert.firing("b", Alert.Severity.WARNING, "B", ""))).as("b still cools down").isFalse();
        assertThat(alerter.fire(Alert.firing("a", Alert.Severity.WARNING, "A", ""))).as("a was forgotten").isTrue();
        assertThat(alerter.firing()).extracting(Alert::key).containsExactly("c", "d", "a");
    }

    @Test
    void forgetsTheOldestIncidentWhenEveryTrackedKeyFires() {
        Alerter alerter = alerter().maxKeys(2).build();
        for (String key : List.of("x", "y", "z")) {
            assertThat(alerter.fire(Alert.firing(key, Alert.Severity.WARNING, key, ""))).isTrue();
        }

        assertThat(alerter.firing()).extracting(Alert::key).containsExactly("y", "z");
        assertThat(alerter.resolve("x")).isFalse();
        assertThat(sent).extracting(Alert::key).containsExactly("x", "y", "z");
    }

    @Test
    void deliversOnTheGivenExecutorAndCountsARefusal() {
        List<Runnable> queued = new ArrayList<>();
        Alerter queuing = alerter().executor(queued::add).build();

        assertThat(fireDrift(queuing, Alert.Severity.WARNING)).isTrue();
        assertThat(sent).isEmpty();
        queued.forEach(Runnable::run);
        assertThat(sent).extracting(Alert::key).containsExactly(DRIFT);

        Alerter refusing = alerter().executor(task -> {
            throw new RejectedExecutionException("full");
        }).build();
        assertThat(fireDrift(refusing, Alert.Severity.WARNING)).isTrue();
        assertThat(refusing.firing()).hasSize(1);
        assertThat(count("recorder", "failed")).isEqualTo(1.0);
        assertThat(sent).hasSize(1);
    }

    @Test
    void alertsCopyAndSortTheirLabels() {
        Map<String, String> labels = new HashMap<>(Map.of("model", "rater", "feature", "avg_rating"));
        Alert alert = Alert.firing(DRIFT, Alert.Severity.INFO, "Drift", "").withLabels(labels);
        labels.put("team", "ml");

        assertThat(alert.labels()).containsExactly(Map.entry("feature", "avg_rating"), Map.entry("model", "rater"));
        assertThatThrownBy(() -> alert.labels().put("team", "ml")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(alert.status()).isEqualTo(Alert.Status.FIRING);
        assertThat(alert.resolved(START).status()).isEqualTo(Alert.Status.RESOLVED);
        assertThat(alert.resolved(START).labels()).isEqualTo(alert.labels());
    }

    @Test
    void rejectsBadAlertsNamingTheFieldAndChangesNothing() {
        Alerter alerter = alerter().build();
        fireDrift(alerter, Alert.Severity.WARNING);

        assertThatThrownBy(() -> alerter.fire(" ", Alert.Severity.WARNING, "t", "", Map.of()))
                .isInstanceOf(ValidationException.class).hasMessage("alert.key must not be blank, was ' '");
        assertThatThrownBy(() -> alerter.fire(DRIFT, null, "t", "", Map.of()))
                .hasMessage("alert.severity must be set, was null");
        assertThatThrownBy(() -> alerter.fire(DRIFT, Alert.Severity.CRITICAL, "", "", Map.of()))
                .hasMessage("alert.title must not be blank, was ''");
        assertThatThrownBy(() -> alerter.fire(DRIFT, Alert.Severity.CRITICAL, "t", "x".repeat(10_001), Map.of()))
                .hasMessageStartingWith("alert.text must be at most 10000 characters long, was 'xxx");
        assertThatThrownBy(() -> alerter.fire(DRIFT, Alert.Severity.CRITICAL, "t", "bell\u0007", Map.of()))
                .hasMessage("alert.text must not contain control characters other than newline and tab, was 'bell\u0007'");
        assertThatThrownBy(() -> alerter.fire(DRIFT, Alert.Severity.CRITICAL, "t", "", Map.of("model", " ")))
                .hasMessage("alert.labels.model must not be blank, was ' '");
        assertThatThrownBy(() -> alerter.fire(Alert.firing("other", Alert.Severity.INFO, "t", "").resolved(START)))
                .hasMessage("alert.status must be FIRING to fire (use resolve(key) to resolve), was 'RESOLVED'");
        assertThatThrownBy(() -> alerter.fire(null)).hasMessage("alert must be set, was null");
        assertThatThrownBy(() -> alerter.resolve("")).hasMessage("alert.key must not be blank, was ''");

        assertThat(alerter.firing()).extracting(Alert::key, Alert::severity)
                .containsExactly(tuple(DRIFT, Alert.Severity.WARNING));
        assertThat(sent).hasSize(1);
        assertThat(count("recorder", "suppressed")).isEqualTo(0.0);
    }

    @Test
    void rejectsBadSettingsNamingTheField() {
        Alerter.Builder b = alerter();
        assertThatThrownBy(() -> b.cooldown(Duration.ofSeconds(-1)))
                .isInstanceOf(ValidationException.class).hasMessage("alerter.cooldown must not be negative, was 'PT-1S'");
        assertThatThrownBy(() -> b.maxKeys(0)).hasMessage("alerter.maxKeys must be between 1 and 1000000, was '0'");
        assertThatThrownBy(() -> b.sink("recorder", alert -> { }))
                .hasMessage("alerter.sink name must be unique within the alerter, was 'recorder'");
        assertThatThrownBy(() -> b.sink(" ", alert -> { })).hasMessage("alerter.sink name must not be blank, was ' '");
        assertThatThrownBy(() -> b.clock(null)).hasMessage("alerter.clock must be set, was null");
        assertThatThrownBy(() -> Alerter.builder().build())
                .hasMessage("alerter.sinks must not be empty when no event bus is set, was '[]'");

        Alerter alerter = b.build();
        fireDrift(alerter, Alert.Severity.WARNING);
        alerter.resolve(DRIFT);
        clock.advance(Duration.ofMinutes(9));
        assertThat(fireDrift(alerter, Alert.Severity.WARNING)).as("the 10-minute default cooldown holds").isFalse();
    }

    @Test
    void sinksAreNamedByClassUnlessTheyNameThemselves() {
        AlertSink lambda = alert -> { };
        assertThat(lambda.name()).isEqualTo("sink");
        assertThat(new RecordingSink().name()).isEqualTo("RecordingSink");
        assertThat(LogAlertSink.create().name()).isEqualTo("log");

        RecordingSink recording = new RecordingSink();
        Alerter alerter = Alerter.builder().sink(recording).sink(LogAlertSink.create()).meterRegistry(meters).build();
        alerter.fire(Alert.firing(DRIFT, Alert.Severity.INFO, "Drift", ""));
        assertThat(recording.alerts).extracting(Alert::key).containsExactly(DRIFT);
        assertThat(count("RecordingSink", "sent")).isEqualTo(1.0);
        assertThat(count("log", "sent")).isEqualTo(1.0);
    }

    /** A sink class without a name of its own. */
    private static final class RecordingSink implements AlertSink {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();

        @Override
        public void send(Alert alert) {
            alerts.add(alert);
        }
    }
}
