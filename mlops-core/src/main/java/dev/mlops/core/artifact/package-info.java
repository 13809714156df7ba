/**
 * The embedded artifact store: {@link dev.mlops.core.artifact.LocalArtifactStore}, content-addressed
 * files under the platform home.
 *
 * @since 0.1.0
 */
package dev.mlops.core.artifact;
