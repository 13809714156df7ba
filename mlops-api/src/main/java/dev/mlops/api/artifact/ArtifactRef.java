package dev.mlops.api.artifact;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where a stored artifact is and what it must hash to. A store refuses to hand out bytes that do
 * not match {@link #sha256()}.
 *
 * <pre>{@code
 * ArtifactRef ref = store.put(Path.of("model.pt"));
 * // ArtifactRef[uri=file:///var/lib/app/.mlops/artifacts/sha256/3f/3fa9..., sha256=3fa9..., size=1048576, directory=false]
 * }</pre>
 *
 * @param uri the artifact's location in its store
 * @param sha256 64 lowercase hex digits: of the file, or of the manifest for a directory
 * @param size the size in bytes: of the file, or of all files of a directory
 * @param directory whether the artifact is a directory (stored as a manifest of its files)
 * @since 0.1.0
 */
public record ArtifactRef(URI uri, String sha256, long size, boolean directory) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * Checks the reference.
     *
     * @param uri the location
     * @param sha256 the digest
     * @param size the size
     * @param directory whether it is a directory
     */
    public ArtifactRef {
        Checks.notNull("artifact.uri", uri);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new ValidationException("artifact.sha256", "be 64 lowercase hex digits", sha256);
        }
        if (size < 0) {
            throw new ValidationException("artifact.size", "not be negative", size);
        }
    }
}
