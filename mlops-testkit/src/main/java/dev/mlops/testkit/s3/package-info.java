/**
 * A real S3-compatible server in the test JVM: {@link dev.mlops.testkit.s3.EmbeddedS3} (S3Proxy on
 * loopback, in memory) and the JUnit extension {@link dev.mlops.testkit.s3.S3ProxyExtension}.
 *
 * @since 0.1.0
 */
package dev.mlops.testkit.s3;
