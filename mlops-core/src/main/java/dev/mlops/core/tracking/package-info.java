/**
 * The embedded tracker: {@link dev.mlops.core.tracking.EmbeddedTracker}, experiments and runs kept as
 * files under {@code <home>/tracking}.
 *
 * @since 0.1.0
 */
package dev.mlops.core.tracking;
