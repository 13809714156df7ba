package dev.mlops.s3;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.artifact.ArtifactStoreProvider;
import dev.mlops.core.platform.PlatformContext;
import java.net.URI;

/**
 * Opens {@link S3ArtifactStore}s for {@code s3://bucket/prefix} URIs, configured by platform
 * properties: {@code s3.region}, {@code s3.endpoint}, {@code s3.path-style} ({@code true}/{@code false}),
 * and {@code s3.access-key-id} with {@code s3.secret-access-key} (otherwise the AWS default chain).
 *
 * <pre>{@code
 * MlopsPlatform.builder().home(home).artifacts(URI.create("s3://ml-artifacts/ratings"))
 *         .property("s3.endpoint", "http://minio:9000").property("s3.path-style", "true").build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class S3ArtifactStoreProvider implements ArtifactStoreProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public S3ArtifactStoreProvider() {
    }

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public ArtifactStore open(URI uri, PlatformContext context) {
        S3ArtifactStore.Builder builder = S3ArtifactStore.builder(S3Location.parse(uri.toString()));
        context.property("s3.region").ifPresent(builder::region);
        context.property("s3.endpoint").map(URI::create).ifPresent(builder::endpoint);
        context.property("s3.path-style").map(Boolean::parseBoolean).ifPresent(builder::pathStyle);
        context.property("s3.access-key-id").ifPresent(id -> builder.credentials(id,
                context.property("s3.secret-access-key").orElse("")));
        return builder.build();
    }
}
