package dev.mlops.core.artifact;

import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.platform.PlatformContext;
import java.net.URI;
import java.nio.file.Path;

/**
 * Opens {@link LocalArtifactStore}s for {@code file:} URIs, e.g. {@code file:///var/lib/artifacts}.
 *
 * @since 0.1.0
 */
public final class LocalArtifactStoreProvider implements ArtifactStoreProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public LocalArtifactStoreProvider() {
    }

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public ArtifactStore open(URI uri, PlatformContext context) {
        if (!uri.isAbsolute() || uri.getPath() == null) {
            throw new ValidationException("artifacts", "be an absolute file: URI such as file:///var/lib/artifacts", uri);
        }
        return LocalArtifactStore.at(Path.of(uri), context.json());
    }
}
