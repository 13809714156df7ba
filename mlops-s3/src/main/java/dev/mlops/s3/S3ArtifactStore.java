package dev.mlops.s3;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Artifacts in Amazon S3 or an S3-compatible server, by content: each file is the object
 * {@code <prefix>/sha256/<first two hex digits>/<sha256>}, uploaded once (in parts above the
 * multipart threshold); a directory is its files plus a manifest object. Downloads go to a temporary
 * file, are hashed, and appear at the target only if they match. Credentials never appear in logs or
 * {@link #toString()}.
 *
 * <pre>{@code
 * S3ArtifactStore store = S3ArtifactStore.builder(S3Location.parse("s3://ml-artifacts/teams/ratings"))
 *         .region("eu-west-1")
 *         .endpoint(URI.create("http://minio:9000")).pathStyle(true)        // S3-compatible servers
 *         .credentials(System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY"))
 *         .build();
 * ArtifactRef ref = store.put(Path.of("build/model"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class S3ArtifactStore implements ArtifactStore {
    private final S3Location location;
    private final S3Client client;
    private final long multipartThreshold;
    private final int partSize;
    private final JsonCodec json;
    private final String description;

    private S3ArtifactStore(Builder b, S3Client client) {
        this.location = b.location;
        this.client = client;
        this.multipartThreshold = b.multipartThreshold;
        this.partSize = b.partSize;
        this.json = b.json;
        this.description = "S3ArtifactStore[" + b.location + (b.endpoint == null ? "" : " at " + b.endpoint) + ", region "
                + b.region + "]";
    }

    /**
     * Starts a store at a location.
     *
     * @param location the bucket and prefix
     * @return a builder
     */
    public static Builder builder(S3Location location) {
        return new Builder(Checks.notNull("s3.location", location));
    }

    @Override
    public URI root() {
        return URI.create(location + "/");
    }

    @Override
    public ArtifactRef put(Path source) {
        Checks.notNull("source", source);
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            List<ArtifactManifests.Entry> entries = new ArrayList<>();
            long total = 0;
            for (Map.Entry<String, Path> file : ArtifactManifests.files(source).entrySet()) {
                ArtifactRef stored = putFile(file.getValue());
                entries.add(new ArtifactManifests.Entry(file.getKey(), stored.sha256(), stored.size()));
                total += stored.size();
            }
            byte[] manifest = ArtifactManifests.write(json, entries);
            String sha = ArtifactManifests.sha256(manifest);
            if (!exists(key(sha))) {
                call("upload the manifest of " + source, () -> client.putObject(r -> r.bucket(location.bucket()).key(key(sha)),
                        RequestBody.fromBytes(manifest)));
            }
            return new ArtifactRef(uri(sha), sha, total, true);
        }
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new ValidationException("source", "be a regular file or a directory", source);
        }
        return putFile(source);
    }

    @Override
    public void get(ArtifactRef ref, Path target) {
        Checks.notNull("ref", ref);
        Checks.notNull("target", target);
        requireOwn(ref);
        ArtifactManifests.materialize(ref, target,
                () -> ArtifactManifests.read(json, call("read " + ref.uri(), () -> client.getObjectAsBytes(r -> r
                        .bucket(location.bucket()).key(key(ref.sha256()))).asByteArray()), ref),
                (sha, out) -> download(sha, out, ref.uri()));
    }

    @Override
    public boolean contains(ArtifactRef ref) {
        Checks.notNull("ref", ref);
        return ref.uri().equals(uri(ref.sha256())) && exists(key(ref.sha256()));
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return description;
    }

    private ArtifactRef putFile(Path file) {
        String sha = ArtifactManifests.sha256(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
        String key = key(sha);
        if (!exists(key)) {
            if (size >= multipartThreshold) {
                uploadInParts(file, key);
            } else {
                call("upload " + file, () -> client.putObject(r -> r.bucket(location.bucket()).key(key)
                        .metadata(Map.of("sha256", sha)), RequestBody.fromFile(file)));
            }
        }
        return new ArtifactRef(uri(sha), sha, size, false);
    }

    private void uploadInParts(Path file, String key) {
        String uploadId = call("start a multipart upload of " + file, () -> client.createMultipartUpload(r -> r
                .bucket(location.bucket()).key(key)).uploadId());
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[partSize];
            for (int number = 1; ; number++) {
                int read = in.readNBytes(buffer, 0, partSize);
                if (read == 0) {
                    break;
                }
                int part = number;
                byte[] chunk = read == partSize ? buffer : Arrays.copyOf(buffer, read);
                String etag = call("upload part " + part + " of " + file, () -> client.uploadPart(r -> r
                        .bucket(location.bucket()).key(key).uploadId(uploadId).partNumber(part),
                        RequestBody.fromBytes(chunk)).eTag());
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            call("complete the multipart upload of " + file, () -> client.completeMultipartUpload(r -> r
                    .bucket(location.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
        } catch (IOException | RuntimeException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(location.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
    }

    private void download(String sha, Path out, URI artifact) throws IOException {
        Files.deleteIfExists(out);
        try {
            client.getObject(r -> r.bucket(location.bucket()).key(key(sha)), ResponseTransformer.toFile(out));
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("artifact file", sha, "missing from " + location + " (artifact " + artifact + ")");
        } catch (SdkException e) {
            throw new MlopsException("cannot download " + key(sha) + " from " + location + ": " + e.getMessage(), e, true);
        }
        String actual = ArtifactManifests.sha256(out);
        if (!actual.equals(sha)) {
            Files.deleteIfExists(out);
            ArtifactManifests.verify(artifact, sha, actual);
        }
    }

    private boolean exists(String key) {
        try {
            client.headObject(r -> r.bucket(location.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new MlopsException("cannot check " + key + " in " + location + ": " + e.getMessage(), e, true);
        } catch (SdkException e) {
            throw new MlopsException("cannot check " + key + " in " + location + ": " + e.getMessage(), e, true);
        }
    }

    private void requireOwn(ArtifactRef ref) {
        if (!ref.uri().equals(uri(ref.sha256()))) {
            throw new NotFoundException("artifact", ref.uri().toString(), "it is not in " + location);
        }
        if (!exists(key(ref.sha256()))) {
            throw new NotFoundException("artifact", ref.uri().toString(), "no such object in " + location);
        }
    }

    private String key(String sha) {
        return location.resolve("sha256/" + sha.substring(0, 2) + "/" + sha);
    }

    private URI uri(String sha) {
        return URI.create("s3://" + location.bucket() + "/" + key(sha));
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw new MlopsException("cannot " + what + " (" + location + "): " + e.getMessage(), e, e.retryable());
        }
    }

    /**
     * Builds an {@link S3ArtifactStore}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final S3Location location;
        private String region = "us-east-1";
        private @Nullable URI endpoint;
        private boolean pathStyle;
        private @Nullable AwsCredentialsProvider credentials;
        private long multipartThreshold = 16L << 20;
        private int partSize = 8 << 20;
        private JsonCodec json = JsonCodec.create();

        private Builder(S3Location location) {
            this.location = location;
        }

        /**
         * Sets the region.
         *
         * @param region e.g. {@code eu-west-1}; default {@code us-east-1}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = Checks.text("s3.region", region, 50);
            return this;
        }

        /**
         * Talks to another endpoint than AWS, e.g. MinIO, Ceph or S3Proxy.
         *
         * @param endpoint an http(s) URL
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            Checks.notNull("s3.endpoint", endpoint);
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
                throw new ValidationException("s3.endpoint", "be an http(s) URL", endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Addresses buckets in the path ({@code host/bucket/key}) rather than the host name, as
         * S3-compatible servers usually need.
         *
         * @param pathStyle default {@code false}
         * @return this builder
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /**
         * Uses static credentials; by default the AWS default chain (environment, profile, instance role).
         *
         * @param accessKeyId the access key id
         * @param secretAccessKey the secret key; never logged
         * @return this builder
         */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            Checks.text("s3.accessKeyId", accessKeyId, 256);
            if (secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new ValidationException("s3.secretAccessKey", "not be blank", "(hidden)");
            }
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            return this;
        }

        /**
         * Sets the size from which files are uploaded in parts, and the part size.
         *
         * @param threshold at least 5 MiB; default 16 MiB
         * @param part between 5 MiB and 512 MiB; default 8 MiB
         * @return this builder
         */
        public Builder multipart(long threshold, int part) {
            if (threshold < (5L << 20)) {
                throw new ValidationException("s3.multipartThreshold", "be at least 5 MiB (5242880)", threshold);
            }
            this.multipartThreshold = threshold;
            this.partSize = Checks.inRange("s3.partSize", part, 5 << 20, 512 << 20);
            return this;
        }

        /**
         * Creates the store and its client.
         *
         * @return the store
         */
        public S3ArtifactStore build() {
            var client = S3Client.builder()
                    .region(Region.of(region))
                    .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
            if (endpoint != null) {
                client.endpointOverride(endpoint);
            }
            return new S3ArtifactStore(this, client.build());
        }
    }
}
