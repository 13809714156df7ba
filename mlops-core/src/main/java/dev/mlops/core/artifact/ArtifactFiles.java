package dev.mlops.core.artifact;

import dev.mlops.api.NotFoundException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Files at URIs of one scheme, written and read by their own paths, for layouts that other tools
 * define — such as the run and model directories MLflow keeps under an {@code s3://} artifact root —
 * where an {@link dev.mlops.api.artifact.ArtifactStore} stores by content. A module that offers them
 * for its scheme does so through {@link ArtifactStoreProvider#files}.
 *
 * <pre>{@code
 * Map<String, String> settings = Map.of("s3.region", "eu-west-1");
 * try (ArtifactFiles s3 = ArtifactFiles.open("s3", key -> Optional.ofNullable(settings.get(key)))) {
 *     s3.put("s3://ml-artifacts/mlflow/1/" + runId + "/artifacts/model/MLmodel", mlmodel);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ArtifactFiles extends AutoCloseable {
    /**
     * Writes a file.
     *
     * @param file where, e.g. {@code s3://bucket/key}, as written (not percent-encoded)
     * @param source a regular file
     */
    void put(String file, Path source);

    /**
     * Lists the files below a directory, at any depth.
     *
     * @param directory the directory
     * @return each file's path relative to the directory and its size, sorted; empty when there are none
     */
    SortedMap<String, Long> list(String directory);

    /**
     * Reads a file, replacing the target.
     *
     * @param file where it is
     * @param target where to write it
     * @throws NotFoundException if there is no such file
     */
    void get(String file, Path target);

    /** Frees the client; nothing by default. */
    @Override
    default void close() {
    }

    /**
     * Opens the files of a scheme through the provider that the class path offers for it.
     *
     * @param scheme e.g. {@code s3}
     * @param properties the settings the provider reads, e.g. {@code s3.region}
     * @return the files
     * @throws NotFoundException if no provider on the class path offers files of that scheme
     */
    static ArtifactFiles open(String scheme, Function<String, Optional<String>> properties) {
        return ArtifactStoreProvider.forScheme(scheme).files(properties).orElseThrow(() -> new NotFoundException(
                "artifact files", scheme + "://", "the provider of " + scheme + " on the class path reads no files by path"));
    }
}
