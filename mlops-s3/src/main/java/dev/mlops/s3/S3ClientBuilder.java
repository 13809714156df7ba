package dev.mlops.s3;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * What every S3 client here is built with: the region, the endpoint and its addressing, the
 * credentials and the multipart sizes.
 *
 * @param <B> the concrete builder
 */
abstract class S3ClientBuilder<B extends S3ClientBuilder<B>> {
    String region = "us-east-1";
    @Nullable URI endpoint;
    private boolean pathStyle;
    private @Nullable AwsCredentialsProvider credentials;
    long multipartThreshold = 16L << 20;
    int partSize = 8 << 20;

    S3ClientBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets the region.
     *
     * @param region e.g. {@code eu-west-1}; default {@code us-east-1}
     * @return this builder
     */
    public B region(String region) {
        this.region = Checks.text("s3.region", region, 50);
        return self();
    }

    /**
     * Talks to another endpoint than AWS, e.g. MinIO, Ceph or S3Proxy.
     *
     * @param endpoint an http(s) URL
     * @return this builder
     */
    public B endpoint(URI endpoint) {
        Checks.notNull("s3.endpoint", endpoint);
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new ValidationException("s3.endpoint", "be an http(s) URL", endpoint);
        }
        this.endpoint = endpoint;
        return self();
    }

    /**
     * Addresses buckets in the path ({@code host/bucket/key}) rather than the host name, as
     * S3-compatible servers usually need.
     *
     * @param pathStyle default {@code false}
     * @return this builder
     */
    public B pathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
        return self();
    }

    /**
     * Uses static credentials; by default the AWS default chain (environment, profile, instance role).
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret key; never logged
     * @return this builder
     */
    public B credentials(String accessKeyId, String secretAccessKey) {
        Checks.text("s3.accessKeyId", accessKeyId, 256);
        if (secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new ValidationException("s3.secretAccessKey", "not be blank", "(hidden)");
        }
        this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        return self();
    }

    /**
     * Sets the size from which files are uploaded in parts, and the part size.
     *
     * @param threshold at least 5 MiB; default 16 MiB
     * @param part between 5 MiB and 512 MiB; default 8 MiB
     * @return this builder
     */
    public B multipart(long threshold, int part) {
        if (threshold < (5L << 20)) {
            throw new ValidationException("s3.multipartThreshold", "be at least 5 MiB (5242880)", threshold);
        }
        this.multipartThreshold = threshold;
        this.partSize = Checks.inRange("s3.partSize", part, 5 << 20, 512 << 20);
        return self();
    }

    /** The files client these settings describe. */
    S3Files files() {
        var client = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
            client.endpointOverride(endpoint);
        }
        return new S3Files(client.build(), multipartThreshold, partSize,
                "region " + region + (endpoint == null ? "" : " at " + endpoint));
    }
}
