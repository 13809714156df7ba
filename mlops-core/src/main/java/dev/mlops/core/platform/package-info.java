/**
 * The platform: {@link dev.mlops.core.platform.MlopsPlatform}, the object a host application holds,
 * with the parts it composes, the safe {@link dev.mlops.core.platform.JsonCodec} and the metric
 * naming convention in {@link dev.mlops.core.platform.MetricNames}.
 *
 * <pre>{@code
 * try (MlopsPlatform mlops = MlopsPlatform.embedded(Path.of(".mlops"))) {
 *     mlops.eventBus().publish(mlops.newEvent("com.acme.ratings.arrived").data("rows", 3).build());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.core.platform;
