package dev.mlops.s3;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    private final S3Files files;
    private final JsonCodec json;

    private S3ArtifactStore(S3Location location, S3Files files, JsonCodec json) {
        this.location = location;
        this.files = files;
        this.json = json;
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
            if (!files.exists(object(sha))) {
                files.put(object(sha), manifest);
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
                () -> ArtifactManifests.read(json, files.bytes(object(ref.sha256())), ref),
                (sha, out) -> download(sha, out, ref.uri()));
    }

    @Override
    public boolean contains(ArtifactRef ref) {
        Checks.notNull("ref", ref);
        return ref.uri().equals(uri(ref.sha256())) && files.exists(object(ref.sha256()));
    }

    @Override
    public void close() {
        files.close();
    }

    @Override
    public String toString() {
        return "S3ArtifactStore[" + location + ", " + files.description() + "]";
    }

    private ArtifactRef putFile(Path file) {
        String sha = ArtifactManifests.sha256(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
        if (!files.exists(object(sha))) {
            files.put(object(sha), file, Map.of("sha256", sha));
        }
        return new ArtifactRef(uri(sha), sha, size, false);
    }

    private void download(String sha, Path out, URI artifact) throws IOException {
        try {
            files.get(object(sha), out);
        } catch (NotFoundException e) {
            throw new NotFoundException("artifact file", sha, "missing from " + location + " (artifact " + artifact + ")");
        }
        String actual = ArtifactManifests.sha256(out);
        if (!actual.equals(sha)) {
            Files.deleteIfExists(out);
            ArtifactManifests.verify(artifact, sha, actual);
        }
    }

    private void requireOwn(ArtifactRef ref) {
        if (!ref.uri().equals(uri(ref.sha256()))) {
            throw new NotFoundException("artifact", ref.uri().toString(), "it is not in " + location);
        }
        if (!files.exists(object(ref.sha256()))) {
            throw new NotFoundException("artifact", ref.uri().toString(), "no such object in " + location);
        }
    }

    private S3Location object(String sha) {
        return location.child("sha256/" + sha.substring(0, 2) + "/" + sha);
    }

    private URI uri(String sha) {
        return URI.create(object(sha).toString());
    }

    /**
     * Builds an {@link S3ArtifactStore}.
     *
     * @since 0.1.0
     */
    public static final class Builder extends S3ClientBuilder<Builder> {
        private final S3Location location;

        private Builder(S3Location location) {
            this.location = location;
        }

        /**
         * Creates the store and its client.
         *
         * @return the store
         */
        public S3ArtifactStore build() {
            return new S3ArtifactStore(location, files(), JsonCodec.create());
        }
    }
}
