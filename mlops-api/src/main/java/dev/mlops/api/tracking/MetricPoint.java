package dev.mlops.api.tracking;

import java.time.Instant;

/**
 * One value of a metric series.
 *
 * @param step the step (epoch, batch...), increasing
 * @param value the value
 * @param timestamp when it was logged
 * @since 0.1.0
 */
public record MetricPoint(long step, double value, Instant timestamp) {
}
