package dev.mlops.testkit.s3;

import dev.mlops.api.MlopsException;
import dev.mlops.s3.S3ArtifactStore;
import dev.mlops.s3.S3Files;
import dev.mlops.s3.S3Location;
import java.net.URI;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * An S3-compatible server (S3Proxy, keeping objects in memory) on a free loopback port, with
 * random credentials, for tests that need real S3 requests and responses rather than a mock.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.start()) {
 *     String bucket = s3.createBucket("models");
 *     S3ArtifactStore store = s3.store(S3Location.parse("s3://" + bucket + "/team")).build();
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EmbeddedS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final S3Client client;

    private EmbeddedS3(S3Proxy proxy, URI endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    /**
     * Starts a server.
     *
     * @return the running server
     */
    public static EmbeddedS3 start() {
        String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = UUID.randomUUID().toString();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new MlopsException("S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new MlopsException("cannot start S3Proxy: " + e, e, true);
        }
        return new EmbeddedS3(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), accessKey, secretKey);
    }

    /**
     * The server's URL.
     *
     * @return e.g. {@code http://127.0.0.1:41234}
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The access key id the server accepts.
     *
     * @return the key id
     */
    public String accessKey() {
        return accessKey;
    }

    /**
     * The secret key the server accepts (a random test value).
     *
     * @return the secret
     */
    public String secretKey() {
        return secretKey;
    }

    /**
     * A client for the server, with path-style addressing and the server's credentials.
     *
     * @return the client; closed with the server
     */
    public S3Client client() {
        return client;
    }

    /**
     * Creates a bucket.
     *
     * @param prefix the start of its name; a random suffix keeps buckets of different tests apart
     * @return the bucket name
     */
    public String createBucket(String prefix) {
        String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        client.createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    /**
     * A store builder pointed at this server.
     *
     * @param location a bucket of this server and a prefix
     * @return the builder, to refine and build
     */
    public S3ArtifactStore.Builder store(S3Location location) {
        return S3ArtifactStore.builder(location).endpoint(endpoint).pathStyle(true).credentials(accessKey, secretKey);
    }

    /**
     * A builder of a files client pointed at this server.
     *
     * @return the builder, to refine and build
     */
    public S3Files.Builder files() {
        return S3Files.builder().endpoint(endpoint).pathStyle(true).credentials(accessKey, secretKey);
    }

    /** Stops the server and closes the client. */
    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new MlopsException("cannot stop S3Proxy: " + e, e, false);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint + "]";
    }
}
