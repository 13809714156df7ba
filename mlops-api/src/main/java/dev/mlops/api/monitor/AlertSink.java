package dev.mlops.api.monitor;

/**
 * Where alerts go: a log, a chat webhook, a pager. This is an SPI; mlops-core has a log sink and a
 * webhook sink (Slack-compatible), and an application adds its own by implementing {@link #send(Alert)}.
 * Monitors do not call sinks directly; an alerter does, after it has deduplicated the alerts, and it
 * catches, logs and counts whatever a sink throws, so one failing sink never stops another.
 *
 * <pre>{@code
 * AlertSink pager = alert -> pagerClient.trigger(alert.key(), alert.severity().name(), alert.title());
 * AlertSink named = new AlertSink() {
 *     public void send(Alert alert) { tickets.open(alert.title(), alert.text()); }
 *     public String name() { return "tickets"; }
 * };
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AlertSink {
    /**
     * Delivers one alert, firing or resolved, before returning.
     *
     * @param alert the alert
     * @throws dev.mlops.api.MlopsException if the alert could not be delivered; {@code retryable()} tells
     *     whether sending it again may succeed (a receiver that is down) or never will (a rejected request)
     */
    void send(Alert alert);

    /**
     * Names the sink in logs and in the {@code sink} tag of metrics. Override it to tell two sinks of
     * one class apart.
     *
     * @return by default the simple class name, or {@code "sink"} for lambdas and anonymous classes
     */
    default String name() {
        Class<?> type = getClass();
        return type.isHidden() || type.isAnonymousClass() || type.isSynthetic() ? "sink" : type.getSimpleName();
    }
}
