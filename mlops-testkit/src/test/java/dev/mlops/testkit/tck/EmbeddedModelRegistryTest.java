package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.model.EmbeddedModelRegistry;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedModelRegistryTest extends ModelRegistryTck {
    private Path root;
    private Path artifacts;

    @Override
    protected ModelRegistry createRegistry(Path dir, RecordingEventBus bus, TestClock testClock) {
        root = dir.resolve("registry");
        artifacts = dir.resolve("artifacts");
        return open(bus, testClock);
    }

    private ModelRegistry open(RecordingEventBus bus, TestClock testClock) {
        return new EmbeddedModelRegistry(root, LocalArtifactStore.at(artifacts, JsonCodec.create()), JsonCodec.create(),
                testClock, bus);
    }

    @Test
    void keepsItsStateInReadableFilesThatAnotherInstanceSees() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("m"));
        Files.writeString(dir.resolve("w.bin"), "w");
        registry.createVersion(v -> v.model("movie-rater").artifacts(dir));
        registry.setAlias("movie-rater", "champion", 1, "ana");

        ModelRegistry other = open(events, clock);
        ModelVersion champion = other.versionByAlias("movie-rater", "champion").orElseThrow();
        assertThat(champion.version()).isEqualTo(1);
        assertThat(root.resolve("movie-rater/versions/1.json")).isRegularFile();
        assertThat(Files.readString(root.resolve("movie-rater/aliases.json"))).isEqualTo("{\"champion\":1}");
        assertThat(Files.readAllLines(root.resolve("movie-rater/history.jsonl"))).hasSize(2);
    }

    @Test
    void ignoresAVersionFileThatWasNeverRenamedIntoPlace() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("m"));
        Files.writeString(dir.resolve("w.bin"), "w");
        registry.createVersion(v -> v.model("movie-rater").artifacts(dir));
        Files.writeString(root.resolve("movie-rater/versions/.2.json123.tmp"), "{\"half\":");
        assertThat(registry.versions("movie-rater")).hasSize(1);
        assertThat(registry.createVersion(v -> v.model("movie-rater").artifacts(dir)).version()).isEqualTo(2);
    }

    @Test
    void recordsTheSdkVersionAndTheGitCommitWhenThereIsOne() throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("m"));
        Files.writeString(dir.resolve("w.bin"), "w");
        ModelVersion v = registry.createVersion(s -> s.model("movie-rater").artifacts(dir));
        assertThat(v.lineage().sdkVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
        v.lineage().codeVersion().ifPresent(commit -> assertThat(commit).matches("[0-9a-f]{40}"));
    }
}
