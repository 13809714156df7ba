package dev.mlops.api.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A notice that something needs attention (or no longer does), sent to {@link AlertSink}s. The
 * {@code key} names the incident, e.g. {@code drift/movie-star-rater}: alerts with the same key are
 * the same incident, which an alerter reports once while it fires and once when it resolves.
 * Immutable; the labels are copied and sorted by name.
 *
 * <pre>{@code
 * Alert alert = Alert.firing("drift/movie-star-rater", Alert.Severity.WARNING,
 *                 "Drift on movie-star-rater", "PSI 0.31 on avg_rating (threshold 0.2)")
 *         .withLabels(Map.of("model", "movie-star-rater", "feature", "avg_rating"));
 * }</pre>
 *
 * @param key the incident this alert is about, the deduplication key; at most {@value #MAX_KEY_LENGTH} characters
 * @param severity how urgent it is
 * @param title a short headline; at most {@value #MAX_TITLE_LENGTH} characters
 * @param text the details, possibly several lines or empty; at most {@value #MAX_TEXT_LENGTH} characters
 * @param labels names and values that route and group the alert, e.g. {@code model=movie-star-rater};
 *     at most {@value #MAX_LABELS}
 * @param status whether the incident is going on or over
 * @param at when the alert was raised or resolved
 * @since 0.1.0
 */
public record Alert(String key, Severity severity, String title, String text, Map<String, String> labels,
        Status status, Instant at) {
    /** The longest key allowed, in characters. */
    public static final int MAX_KEY_LENGTH = 256;
    /** The longest title allowed, in characters. */
    public static final int MAX_TITLE_LENGTH = 256;
    /** The longest text allowed, in characters. */
    public static final int MAX_TEXT_LENGTH = 10_000;
    /** The most labels allowed. */
    public static final int MAX_LABELS = 32;
    /** The longest label name allowed, in characters. */
    public static final int MAX_LABEL_NAME_LENGTH = 100;
    /** The longest label value allowed, in characters. */
    public static final int MAX_LABEL_VALUE_LENGTH = 1_000;

    /**
     * How urgent an alert is, from least to most.
     *
     * @since 0.1.0
     */
    public enum Severity {
        /** Worth knowing; nobody needs to act. */
        INFO,
        /** Someone should look soon. */
        WARNING,
        /** Someone must act now. */
        CRITICAL
    }

    /**
     * Whether the incident an alert reports is going on.
     *
     * @since 0.1.0
     */
    public enum Status {
        /** The incident is going on. */
        FIRING,
        /** The incident is over. */
        RESOLVED
    }

    /**
     * Checks every field and copies the labels.
     *
     * @param key the incident key
     * @param severity the severity
     * @param title the headline
     * @param text the details
     * @param labels the labels
     * @param status the status
     * @param at the time
     * @throws ValidationException naming the first field that breaks a rule
     */
    public Alert {
        Checks.text("alert.key", key, MAX_KEY_LENGTH);
        Checks.notNull("alert.severity", severity);
        Checks.text("alert.title", title, MAX_TITLE_LENGTH);
        checkText(text);
        labels = copyLabels(labels);
        Checks.notNull("alert.status", status);
        Checks.notNull("alert.at", at);
    }

    /**
     * Creates a firing alert without labels, raised now.
     *
     * <pre>{@code
     * alerter.fire(Alert.firing("latency/rater", Alert.Severity.CRITICAL, "Rater is slow", "p99 812 ms > 250 ms"));
     * }</pre>
     *
     * @param key the incident key
     * @param severity the severity
     * @param title the headline
     * @param text the details, possibly empty
     * @return the alert
     * @throws ValidationException naming the first field that breaks a rule
     */
    public static Alert firing(String key, Severity severity, String title, String text) {
        return new Alert(key, severity, title, text, Map.of(), Status.FIRING, Instant.now());
    }

    /**
     * Returns a copy of this alert with other labels.
     *
     * @param labels the labels, replacing the current ones
     * @return the copy
     * @throws ValidationException if a label breaks a rule
     */
    public Alert withLabels(Map<String, String> labels) {
        return new Alert(key, severity, title, text, labels, status, at);
    }

    /**
     * Returns a copy of this alert that reports its incident over.
     *
     * @param at when the incident ended
     * @return the resolved copy, with the same key, severity, title, text and labels
     */
    public Alert resolved(Instant at) {
        return new Alert(key, severity, title, text, labels, Status.RESOLVED, at);
    }

    private static void checkText(@Nullable String text) {
        Checks.notNull("alert.text", text);
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new ValidationException("alert.text", "be at most " + MAX_TEXT_LENGTH + " characters long", text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new ValidationException("alert.text", "not contain control characters other than newline and tab",
                        text);
            }
        }
    }

    private static Map<String, String> copyLabels(@Nullable Map<String, String> labels) {
        Checks.notNull("alert.labels", labels);
        if (labels.size() > MAX_LABELS) {
            throw new ValidationException("alert.labels", "hold at most " + MAX_LABELS + " labels", labels.size());
        }
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String name = Checks.text("alert.labels name", label.getKey(), MAX_LABEL_NAME_LENGTH);
            copy.put(name, Checks.text("alert.labels." + name, label.getValue(), MAX_LABEL_VALUE_LENGTH));
        }
        return Collections.unmodifiableMap(copy);
    }
}
