package dev.mlops.core.artifact;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.platform.PlatformContext;
import dev.mlops.api.NotFoundException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

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

    /**
     * Opens the files of this scheme by their own paths, when the provider offers them; none by default.
     *
     * @param properties the settings to read, as the platform's properties
     * @return the files, or empty
     */
    default Optional<ArtifactFiles> files(Function<String, Optional<String>> properties) {
        return Optional.empty();
    }

    /**
     * The provider on the class path for a scheme.
     *
     * @param scheme e.g. {@code s3}
     * @return the provider
     * @throws NotFoundException naming the schemes there are, if none has this one
     */
    static ArtifactStoreProvider forScheme(String scheme) {
        List<String> schemes = new ArrayList<>();
        for (ArtifactStoreProvider provider : ServiceLoader.load(ArtifactStoreProvider.class)) {
            if (provider.scheme().equals(scheme)) {
                return provider;
            }
            schemes.add(provider.scheme());
        }
        throw new NotFoundException("artifact store provider", scheme, "schemes on the class path: " + schemes
                + ("s3".equals(scheme) ? "; add dev.mlops:mlops-s3" : ""));
    }
}
