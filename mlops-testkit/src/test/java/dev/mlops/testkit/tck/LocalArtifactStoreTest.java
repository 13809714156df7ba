package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalArtifactStoreTest extends ArtifactStoreTck {

    @Override
    protected ArtifactStore createStore(Path dir) {
        return LocalArtifactStore.at(dir, JsonCodec.create());
    }

    @Override
    protected void corrupt(ArtifactStore s, ArtifactRef ref) throws IOException {
        Files.write(Path.of(ref.uri()), "tampered".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesDirectoriesWithSymbolicLinks() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("linked"));
        Files.writeString(dir.resolve("real.txt"), "x");
        Files.createSymbolicLink(dir.resolve("link.txt"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> store.put(dir)).isInstanceOf(ValidationException.class)
                .hasMessageEndingWith("must hold no symbolic links, was 'link.txt'");
    }

    @Test
    void refusesManifestsThatWouldEscapeTheTarget() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("m"));
        Files.writeString(dir.resolve("a.txt"), "a");
        ArtifactRef ref = store.put(dir);
        // Rewrite the manifest (a blob in the store) as an attacker would, then point a ref at it.
        String evil = "{\"format\":\"mlops-artifact-manifest-v1\",\"files\":[{\"path\":\"../../escaped.txt\","
                + "\"sha256\":\"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\",\"size\":1}]}";
        Path evilFile = Files.writeString(scratch.resolve("evil.json"), evil);
        ArtifactRef manifest = store.put(evilFile);
        ArtifactRef evilRef = new ArtifactRef(manifest.uri(), manifest.sha256(), 1, true);
        assertThatThrownBy(() -> store.get(evilRef, scratch.resolve("out/target")))
                .isInstanceOf(ValidationException.class)
                .hasMessage("artifact path must not contain empty, '.' or '..' segments, was '../../escaped.txt'");
        assertThat(scratch.resolve("escaped.txt")).doesNotExist();
        assertThat(scratch.resolve("out/target")).doesNotExist();
        assertThat(ref.directory()).isTrue();
    }
}
