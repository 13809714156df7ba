package dev.mlops.api.artifact;

import java.net.URI;
import java.nio.file.Path;

/**
 * Stores files and directories by content (SHA-256) and gives them back only if they still hash to
 * what was stored. Writes are atomic: a reader never sees half an artifact. This is an SPI: the
 * core has a local file-system store, mlops-s3 an S3 store; both pass the same compatibility kit.
 *
 * <pre>{@code
 * ArtifactRef model = store.put(Path.of("build/model"));        // a directory: every file, plus a manifest
 * store.get(model, Path.of("/tmp/serving/model"));             // verified file by file
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ArtifactStore extends AutoCloseable {
    /**
     * The root this store writes under, e.g. {@code file:///var/lib/app/.mlops/artifacts/} or
     * {@code s3://ml-artifacts/teams/ratings/}.
     *
     * @return the root URI
     */
    URI root();

    /**
     * Stores a file, or a directory with every file below it. Storing the same content twice
     * stores it once.
     *
     * @param source a regular file or a directory
     * @return the reference to keep
     * @throws dev.mlops.api.ValidationException if the source does not exist, or a directory holds a
     *     link or a name that is not safe as a relative path
     * @throws dev.mlops.api.MlopsException if the store cannot be written (retryable for transient failures)
     */
    ArtifactRef put(Path source);

    /**
     * Writes an artifact to a target path (a file, or a directory for directory artifacts),
     * verifying every byte against its SHA-256 first; the target appears only once verified.
     *
     * @param ref a reference from {@link #put(Path)}
     * @param target the file or directory to create; must not exist
     * @throws dev.mlops.api.NotFoundException if the store does not hold the artifact
     * @throws dev.mlops.api.ValidationException if the stored bytes do not match the checksum, or the
     *     target exists
     */
    void get(ArtifactRef ref, Path target);

    /**
     * Tells whether the store holds an artifact.
     *
     * @param ref the reference
     * @return {@code true} if it is there (not verified)
     */
    boolean contains(ArtifactRef ref);

    /** Releases connections; the local store holds none. */
    @Override
    default void close() {
    }
}
