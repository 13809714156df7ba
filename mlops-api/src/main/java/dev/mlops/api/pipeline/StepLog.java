package dev.mlops.api.pipeline;

/**
 * A step's logger: messages go to the SDK's SLF4J logger for the pipeline, tagged with run and step.
 * Placeholders are {@code {}}, as in SLF4J.
 *
 * <pre>{@code
 * ctx.log().info("read {} rows from {}", rows.size(), path);
 * }</pre>
 *
 * @since 0.1.0
 */
public interface StepLog {
    /**
     * Logs at INFO.
     *
     * @param format the message with {@code {}} placeholders
     * @param args the values
     */
    void info(String format, Object... args);

    /**
     * Logs at WARN.
     *
     * @param format the message with {@code {}} placeholders
     * @param args the values
     */
    void warn(String format, Object... args);

    /**
     * Logs at DEBUG.
     *
     * @param format the message with {@code {}} placeholders
     * @param args the values
     */
    void debug(String format, Object... args);
}
