/**
 * The embedded feature store: {@link dev.mlops.core.feature.EmbeddedFeatureStore}, definitions kept as
 * JSON files under {@code <home>/features}, planned and applied as code.
 *
 * @since 0.1.0
 */
package dev.mlops.core.feature;
