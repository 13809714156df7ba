package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AlertSink} that writes each alert as one SLF4J line: at WARN for a firing alert of
 * severity WARNING or CRITICAL, at INFO for everything else (INFO alerts, resolved alerts). Line
 * breaks in the text are written as spaces, so an alert can never forge a second log line.
 *
 * <pre>{@code
 * Alerter alerter = Alerter.builder().sink(LogAlertSink.create()).build();
 * // WARN dev.mlops.core.monitor.LogAlertSink - Alert FIRING CRITICAL drift/movie-star-rater: Drift on movie-star-rater
 * //      - PSI 0.31 on avg_rating {model=movie-star-rater}
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LogAlertSink implements AlertSink {
    private final Logger log;

    private LogAlertSink(Logger log) {
        this.log = log;
    }

    /**
     * Returns a sink that logs through the logger named after this class.
     *
     * @return the sink
     */
    public static LogAlertSink create() {
        return new LogAlertSink(LoggerFactory.getLogger(LogAlertSink.class));
    }

    /**
     * Returns a sink that logs through a logger of the host's choosing, e.g. one routed to an
     * alerts file.
     *
     * <pre>{@code
     * AlertSink sink = LogAlertSink.create(LoggerFactory.getLogger("alerts"));
     * }</pre>
     *
     * @param log the logger
     * @return the sink
     */
    public static LogAlertSink create(Logger log) {
        return new LogAlertSink(Checks.notNull("log", log));
    }

    @Override
    public void send(Alert alert) {
        Checks.notNull("alert", alert);
        String text = alert.text().isEmpty() ? "" : " - " + oneLine(alert.text());
        if (alert.status() == Alert.Status.FIRING && alert.severity() != Alert.Severity.INFO) {
            log.warn("Alert {} {} {}: {}{} {}", alert.status(), alert.severity(), alert.key(), alert.title(), text,
                    alert.labels());
        } else {
            log.info("Alert {} {} {}: {}{} {}", alert.status(), alert.severity(), alert.key(), alert.title(), text,
                    alert.labels());
        }
    }

    /**
     * Names the sink {@code log}.
     *
     * @return {@code "log"}
     */
    @Override
    public String name() {
        return "log";
    }

    /** The text with every line break and tab turned into a space. */
    static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
