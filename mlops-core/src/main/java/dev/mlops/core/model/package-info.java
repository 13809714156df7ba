/**
 * The embedded model registry: {@link dev.mlops.core.model.EmbeddedModelRegistry}, models, versions,
 * aliases and stages kept as JSON files under {@code <home>/registry}, safe for several JVMs.
 *
 * @since 0.1.0
 */
package dev.mlops.core.model;
