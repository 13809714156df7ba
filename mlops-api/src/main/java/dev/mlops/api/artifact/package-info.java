/**
 * Artifact stores: content-addressed, checksummed storage for model files and datasets, addressed
 * by URI — {@code file:} embedded, {@code s3://} with mlops-s3.
 *
 * @since 0.1.0
 */
package dev.mlops.api.artifact;
