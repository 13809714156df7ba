package dev.mlops.s3;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Files in S3 by their own keys, for layouts that other tools define — such as the run and model
 * directories MLflow writes under its artifact root — where {@link S3ArtifactStore} stores by content.
 * Large files go up in parts; credentials never appear in logs or {@link #toString()}.
 *
 * <pre>{@code
 * S3Files s3 = S3Files.builder().region("eu-west-1").build();
 * s3.put(S3Location.parse("s3://ml-artifacts/mlflow/1/" + runId + "/artifacts/model/MLmodel"), mlmodel);
 * SortedMap<String, Long> files = s3.list(S3Location.parse("s3://ml-artifacts/mlflow/1/" + runId + "/artifacts"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class S3Files implements AutoCloseable {
    private final S3Client client;
    private final long multipartThreshold;
    private final int partSize;
    private final String description;

    S3Files(S3Client client, long multipartThreshold, int partSize, String description) {
        this.client = client;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.description = description;
    }

    /**
     * Starts a client.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Uploads a file to an object, in parts from the multipart threshold on.
     *
     * @param object the bucket and key
     * @param file a regular file
     * @throws ValidationException if the location has no key or the file is not a regular file
     * @throws MlopsException if S3 refuses or cannot be reached
     */
    public void put(S3Location object, Path file) {
        put(object, file, Map.of());
    }

    void put(S3Location object, Path file, Map<String, String> metadata) {
        String key = key(object);
        Checks.notNull("file", file);
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("file", "be a regular file", file);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
        if (size >= multipartThreshold) {
            uploadInParts(object, key, file, metadata);
        } else {
            call("upload " + file + " to " + object, () -> client.putObject(r -> r.bucket(object.bucket()).key(key)
                    .metadata(metadata), RequestBody.fromFile(file)));
        }
    }

    void put(S3Location object, byte[] bytes) {
        String key = key(object);
        call("upload " + object, () -> client.putObject(r -> r.bucket(object.bucket()).key(key), RequestBody.fromBytes(bytes)));
    }

    /**
     * Downloads an object to a file, replacing it.
     *
     * @param object the bucket and key
     * @param file where to write it
     * @throws NotFoundException if there is no such object
     * @throws MlopsException if S3 refuses or cannot be reached
     */
    public void get(S3Location object, Path file) {
        String key = key(object);
        Checks.notNull("file", file);
        try {
            Files.deleteIfExists(file);
            client.getObject(r -> r.bucket(object.bucket()).key(key), ResponseTransformer.toFile(file));
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("S3 object", object.toString());
        } catch (SdkException e) {
            throw new MlopsException("cannot download " + object + ": " + e.getMessage(), e, e.retryable());
        } catch (IOException e) {
            throw new MlopsException("cannot write " + file + ": " + e, e, false);
        }
    }

    byte[] bytes(S3Location object) {
        String key = key(object);
        try {
            return client.getObjectAsBytes(r -> r.bucket(object.bucket()).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("S3 object", object.toString());
        } catch (SdkException e) {
            throw new MlopsException("cannot download " + object + ": " + e.getMessage(), e, e.retryable());
        }
    }

    /**
     * Tells whether an object exists.
     *
     * @param object the bucket and key
     * @return whether it exists
     * @throws MlopsException if S3 refuses or cannot be reached
     */
    public boolean exists(S3Location object) {
        String key = key(object);
        try {
            client.headObject(r -> r.bucket(object.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new MlopsException("cannot check " + object + ": " + e.getMessage(), e, e.retryable());
        } catch (SdkException e) {
            throw new MlopsException("cannot check " + object + ": " + e.getMessage(), e, e.retryable());
        }
    }

    /**
     * Lists the objects below a directory, at any depth, page by page.
     *
     * @param directory the bucket and the key prefix of the directory ({@code /} is added)
     * @return each object's key relative to the directory and its size, sorted; empty if there are none
     * @throws MlopsException if S3 refuses or cannot be reached
     */
    public SortedMap<String, Long> list(S3Location directory) {
        Checks.notNull("directory", directory);
        String prefix = directory.prefix().isEmpty() ? "" : directory.prefix() + "/";
        SortedMap<String, Long> files = new TreeMap<>();
        call("list " + directory, () -> {
            for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(directory.bucket()).prefix(prefix)).contents()) {
                files.put(o.key().substring(prefix.length()), o.size());
            }
            return files;
        });
        return files;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "S3Files[" + description + "]";
    }

    String description() {
        return description;
    }

    private static String key(S3Location object) {
        Checks.notNull("object", object);
        if (object.prefix().isEmpty()) {
            throw new ValidationException("object", "name a key below the bucket", object);
        }
        return object.prefix();
    }

    private void uploadInParts(S3Location object, String key, Path file, Map<String, String> metadata) {
        String uploadId = call("start a multipart upload of " + file, () -> client.createMultipartUpload(r -> r
                .bucket(object.bucket()).key(key).metadata(metadata)).uploadId());
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
                        .bucket(object.bucket()).key(key).uploadId(uploadId).partNumber(part),
                        RequestBody.fromBytes(chunk)).eTag());
                parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
            }
            call("complete the multipart upload of " + file, () -> client.completeMultipartUpload(r -> r
                    .bucket(object.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
        } catch (IOException | RuntimeException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(object.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
    }

    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw new MlopsException("cannot " + what + ": " + e.getMessage(), e, e.retryable());
        }
    }

    /**
     * Builds an {@link S3Files}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends S3ClientBuilder<Builder> {
        private Builder() {
        }

        /**
         * Creates the client.
         *
         * @return the client
         */
        public S3Files build() {
            return files();
        }
    }
}
