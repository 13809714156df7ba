package dev.mlops.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.s3.S3ArtifactStore;
import dev.mlops.s3.S3Location;
import dev.mlops.testkit.tck.ArtifactStoreTck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The S3 store against a real S3-compatible server (S3Proxy) in this JVM. */
class S3ArtifactStoreTest extends ArtifactStoreTck {
    private static EmbeddedS3 s3;

    @BeforeAll
    static void startServer() {
        s3 = EmbeddedS3.start();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @Override
    protected ArtifactStore createStore(Path dir) {
        return s3.store(S3Location.parse("s3://" + s3.createBucket("artifacts") + "/teams/ratings"))
                .multipart(5 << 20, 5 << 20).build();
    }

    @Override
    protected void corrupt(ArtifactStore store, ArtifactRef ref) {
        URI uri = ref.uri();
        String bucket = uri.getHost();
        String key = uri.getPath().substring(1);
        s3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("tampered"));
    }

    @Test
    void uploadsLargeFilesInPartsAndReadsThemBack() throws IOException {
        byte[] big = new byte[12 << 20];
        new Random(7).nextBytes(big);
        Path file = Files.write(scratch.resolve("big.bin"), big);
        ArtifactRef ref = store.put(file);
        assertThat(ref.size()).isEqualTo(big.length);
        Path out = scratch.resolve("out/big.bin");
        store.get(ref, out);
        assertThat(Files.readAllBytes(out)).isEqualTo(big);
    }

    @Test
    void aPlatformKeepsModelVersionsInS3WhenToldByUri() throws IOException {
        String bucket = s3.createBucket("models");
        Path model = Files.writeString(scratch.resolve("w.bin"), "weights");
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(scratch.resolve("home"))
                .artifacts(URI.create("s3://" + bucket + "/registry"))
                .property("s3.endpoint", s3.endpoint().toString()).property("s3.path-style", "true")
                .property("s3.access-key-id", s3.accessKey()).property("s3.secret-access-key", s3.secretKey())
                .build()) {
            ModelVersion v = mlops.registry().createVersion(s -> s.model("movie-rater").artifacts(model));
            assertThat(v.artifacts().uri().toString()).startsWith("s3://" + bucket + "/registry/sha256/");
            Path out = scratch.resolve("download.bin");
            mlops.registry().downloadArtifacts(v, out);
            assertThat(out).hasContent("weights");
        }
    }

    @Test
    void neverShowsItsSecret() {
        String text = store.toString();
        assertThat(text).startsWith("S3ArtifactStore[s3://artifacts-").contains(s3.endpoint().toString());
        assertThat(text).doesNotContainIgnoringCase("secret").doesNotContain("test-");
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> S3ArtifactStore.builder(S3Location.parse("s3://bucket")).endpoint(URI.create("ftp://x")))
                .isInstanceOf(ValidationException.class).hasMessage("s3.endpoint must be an http(s) URL, was 'ftp://x'");
        assertThatThrownBy(() -> S3ArtifactStore.builder(S3Location.parse("s3://bucket")).credentials("id", " "))
                .hasMessage("s3.secretAccessKey must not be blank, was '(hidden)'");
        assertThatThrownBy(() -> S3ArtifactStore.builder(S3Location.parse("s3://bucket")).multipart(1024, 5 << 20))
                .hasMessage("s3.multipartThreshold must be at least 5 MiB (5242880), was '1024'");
    }
}
