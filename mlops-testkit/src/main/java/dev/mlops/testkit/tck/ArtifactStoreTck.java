package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ArtifactStore}: content addressing, atomic and verified reads, directories,
 * and clear errors. Extend it for each implementation.
 *
 * <pre>{@code
 * class LocalArtifactStoreTest extends ArtifactStoreTck {
 *     protected ArtifactStore createStore(Path scratch) { return LocalArtifactStore.at(scratch, JsonCodec.create()); }
 *     protected void corrupt(ArtifactStore store, ArtifactRef ref) throws IOException {
 *         Files.write(Path.of(ref.uri()), new byte[] {1});
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class ArtifactStoreTck {
    /** A fresh directory for each test; stores may keep their files in it. */
    @TempDir
    protected Path scratch;

    /** The store under test, made fresh for each test. */
    protected ArtifactStore store;

    /** Creates the TCK; subclasses are run by JUnit. */
    protected ArtifactStoreTck() {
    }

    /**
     * Creates the store under test.
     *
     * @param scratch a fresh directory the store may use
     * @return the store
     * @throws Exception if it cannot be made
     */
    protected abstract ArtifactStore createStore(Path scratch) throws Exception;

    /**
     * Changes the stored bytes of a file artifact behind the store's back, so that they no longer
     * match their digest.
     *
     * @param store the store
     * @param ref a file artifact it holds
     * @throws Exception if it cannot be done
     */
    protected abstract void corrupt(ArtifactStore store, ArtifactRef ref) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore(scratch.resolve("store"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path file = scratch.resolve("in").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void storesAFileByContentAndGivesItBack() throws IOException {
        byte[] content = random(100_000, 1);
        ArtifactRef ref = store.put(file("model.pt", content));
        assertThat(ref.size()).isEqualTo(100_000);
        assertThat(ref.directory()).isFalse();
        assertThat(ref.uri().toString()).startsWith(store.root().toString());
        assertThat(store.contains(ref)).isTrue();

        Path out = scratch.resolve("out/model.pt");
        store.get(ref, out);
        assertThat(Files.readAllBytes(out)).isEqualTo(content);
    }

    @Test
    void storesTheSameContentOnce() throws IOException {
        ArtifactRef a = store.put(file("a.bin", "same".getBytes(StandardCharsets.UTF_8)));
        ArtifactRef b = store.put(file("b.bin", "same".getBytes(StandardCharsets.UTF_8)));
        assertThat(b).isEqualTo(a);
        assertThat(a.sha256()).isEqualTo("0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5");
    }

    @Test
    void storesADirectoryWithEveryFileBelowIt() throws IOException {
        file("model/params.bin", random(5000, 2));
        file("model/conf/serving.properties", "batch=8\n".getBytes(StandardCharsets.UTF_8));
        file("model/conf/deep/x.json", "{}".getBytes(StandardCharsets.UTF_8));
        ArtifactRef ref = store.put(scratch.resolve("in/model"));
        assertThat(ref.directory()).isTrue();
        assertThat(ref.size()).isEqualTo(5000 + 8 + 2);

        Path out = scratch.resolve("out/model");
        store.get(ref, out);
        assertThat(Files.readAllBytes(out.resolve("params.bin"))).isEqualTo(random(5000, 2));
        assertThat(Files.readString(out.resolve("conf/serving.properties"))).isEqualTo("batch=8\n");
        assertThat(out.resolve("conf/deep/x.json")).hasContent("{}");
    }

    @Test
    void refusesBytesThatNoLongerMatchTheirDigest() throws Exception {
        ArtifactRef ref = store.put(file("model.pt", random(1000, 3)));
        corrupt(store, ref);
        Path out = scratch.resolve("out/model.pt");
        assertThatThrownBy(() -> store.get(ref, out)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("must hash to its recorded sha256 " + ref.sha256());
        assertThat(out).doesNotExist();
    }

    @Test
    void refusesToOverwriteATarget() throws IOException {
        ArtifactRef ref = store.put(file("a.bin", random(10, 4)));
        Path out = Files.write(scratch.resolve("taken.bin"), new byte[] {1});
        assertThatThrownBy(() -> store.get(ref, out)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("target must not exist yet");
        assertThat(Files.readAllBytes(out)).containsExactly(1);
    }

    @Test
    void reportsArtifactsItDoesNotHold() {
        ArtifactRef foreign = new ArtifactRef(URI.create(store.root() + "sha256/00/" + "0".repeat(64)), "0".repeat(64), 1, false);
        assertThat(store.contains(foreign)).isFalse();
        assertThatThrownBy(() -> store.get(foreign, scratch.resolve("x"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void rejectsSourcesThatAreNotFilesOrDirectories() {
        assertThatThrownBy(() -> store.put(scratch.resolve("missing"))).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("source must be a regular file or a directory");
    }
}
