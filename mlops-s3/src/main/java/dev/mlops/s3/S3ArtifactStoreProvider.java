package dev.mlops.s3;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.artifact.ArtifactFiles;
import dev.mlops.core.artifact.ArtifactStoreProvider;
import dev.mlops.core.platform.PlatformContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Opens {@link S3ArtifactStore}s for {@code s3://bucket/prefix} URIs, and {@link S3Files} for files
 * at {@code s3://} paths, configured by platform properties: {@code s3.region}, {@code s3.endpoint},
 * {@code s3.path-style} ({@code true}/{@code false}), and {@code s3.access-key-id} with
 * {@code s3.secret-access-key} (otherwise the AWS default chain).
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
        return configure(S3ArtifactStore.builder(S3Location.parse(uri.toString())), context::property).build();
    }

    @Override
    public Optional<ArtifactFiles> files(Function<String, Optional<String>> properties) {
        S3Files files = configure(S3Files.builder(), properties).build();
        return Optional.of(new ArtifactFiles() {
            @Override
            public void put(String file, Path source) {
                files.put(S3Location.parse(file), source);
            }

            @Override
            public SortedMap<String, Long> list(String directory) {
                return files.list(S3Location.parse(directory));
            }

            @Override
            public void get(String file, Path target) {
                files.get(S3Location.parse(file), target);
            }

            @Override
            public void close() {
                files.close();
            }

            @Override
            public String toString() {
                return files.toString();
            }
        });
    }

    private static <B extends S3ClientBuilder<B>> B configure(B builder, Function<String, Optional<String>> property) {
        property.apply("s3.region").ifPresent(builder::region);
        property.apply("s3.endpoint").map(URI::create).ifPresent(builder::endpoint);
        property.apply("s3.path-style").map(Boolean::parseBoolean).ifPresent(builder::pathStyle);
        property.apply("s3.access-key-id").ifPresent(id -> builder.credentials(id,
                property.apply("s3.secret-access-key").orElse("")));
        return builder;
    }
}
