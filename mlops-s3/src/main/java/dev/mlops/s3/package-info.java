/**
 * The S3 module: an {@code ArtifactStore} on Amazon S3 and S3-compatible servers (MinIO, Ceph,
 * S3Proxy) through aws-sdk-s3 v2, so that models and datasets outgrow one machine's disk. It plugs
 * into the platform through the core's service-loader SPIs; the core never sees it.
 *
 * @since 0.1.0
 */
package dev.mlops.s3;
