package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.monitor.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class LogAlertSinkTest {
    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

    /** A logger that keeps each line with its level. */
    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new CopyOnWriteArrayList<>();

        RecordingLogger() {
            this.name = "alerts";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    @Test
    void logsFiringWarningsAndCriticalsAtWarnAndTheRestAtInfoOnOneLine() {
        RecordingLogger log = new RecordingLogger();
        LogAlertSink sink = LogAlertSink.create(log);
        Alert critical = new Alert("drift/rater", Alert.Severity.CRITICAL, "Drift on rater", "PSI 0.31\n\tover 0.2",
                Map.of("model", "rater", "feature", "avg_rating"), Alert.Status.FIRING, AT);

        sink.send(critical);
        sink.send(new Alert("latency/rater", Alert.Severity.WARNING, "Rater is slow", "", Map.of(), Alert.Status.FIRING, AT));
        sink.send(Alert.firing("retrain/rater", Alert.Severity.INFO, "Retrained", "rmse 0.81"));
        sink.send(critical.resolved(AT));

        assertThat(log.lines).containsExactly(
                "WARN Alert FIRING CRITICAL drift/rater: Drift on rater - PSI 0.31 over 0.2 {feature=avg_rating, model=rater}",
                "WARN Alert FIRING WARNING latency/rater: Rater is slow {}",
                "INFO Alert FIRING INFO retrain/rater: Retrained - rmse 0.81 {}",
                "INFO Alert RESOLVED CRITICAL drift/rater: Drift on rater - PSI 0.31 over 0.2 {feature=avg_rating, model=rater}");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> LogAlertSink.create(null)).hasMessage("log must be set, was null");
        assertThatThrownBy(() -> LogAlertSink.create().send(null)).hasMessage("alert must be set, was null");
    }
}
