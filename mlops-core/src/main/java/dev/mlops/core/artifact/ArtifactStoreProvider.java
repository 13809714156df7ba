package dev.mlops.core.artifact;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.platform.PlatformContext;
import java.net.URI;

/**
 * Opens an {@link ArtifactStore} for a URI scheme; found with {@link java.util.ServiceLoader}, so
 * that mlops-s3 plugs in {@code s3://} without the core knowing it. A host picks the store by URI:
 *
 * <pre>{@code
 * MlopsPlatform.builder()
 *         .home(home)
 *         .artifacts(URI.create("s3://ml-artifacts/teams/ratings"))
 *         .property("s3.region", "eu-west-1")
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ArtifactStoreProvider {
    /**
     * The URI scheme this provider opens.
     *
     * @return e.g. {@code "file"} or {@code "s3"}
     */
    String scheme();

    /**
     * Opens a store. The platform owns it and closes it when the platform closes.
     *
     * @param uri the store's root, e.g. {@code s3://bucket/prefix}
     * @param context the platform's home, clock, JSON codec and properties
     * @return the store
     */
    ArtifactStore open(URI uri, PlatformContext context);
}
