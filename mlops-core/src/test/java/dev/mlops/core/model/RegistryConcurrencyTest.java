package dev.mlops.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs sharing one home register versions of one model at the same time, or die midway. */
class RegistryConcurrencyTest {

    @TempDir
    Path home;

    private Process launch(String child, int count) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RegistryChildMain.class.getName(),
                home.toString(), child, Integer.toString(count))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(child + ".log").toFile())
                .start();
    }

    @Test
    void fourJvmsCreatingFiftyVersionsEachGetNumbersOneToTwoHundred() throws Exception {
        Files.createDirectories(home);
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            children.add(launch("child" + c, 50));
        }
        for (int c = 0; c < 4; c++) {
            assertThat(children.get(c).waitFor(240, TimeUnit.SECONDS)).as("child %s finished", c).isTrue();
            assertThat(children.get(c).exitValue()).as("child %s: %s", c, Files.readString(home.resolve("child" + c + ".log")))
                    .isZero();
        }
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            List<ModelVersion> versions = mlops.registry().versions("shared");
            assertThat(versions).extracting(ModelVersion::version)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).boxed().toList());
            assertThat(versions).extracting(ModelVersion::createdBy).filteredOn("child2"::equals).hasSize(50);
            assertThat(mlops.registry().history("shared")).hasSize(200);
        }
    }

    @Test
    void aJvmKilledWhileRegisteringLeavesNoHalfVisibleVersion() throws Exception {
        Files.createDirectories(home);
        Process child = launch("doomed", -1);
        Path log = home.resolve("doomed.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("created 5")) {
            assertThat(child.isAlive()).as("child alive: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("5 versions within 60 s").isLessThan(deadline);
            Thread.sleep(10);
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            List<ModelVersion> versions = mlops.registry().versions("shared");
            int n = versions.size();
            assertThat(n).isGreaterThanOrEqualTo(5);
            assertThat(versions).extracting(ModelVersion::version)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
            for (ModelVersion v : versions) {
                assertThat(mlops.artifactStore().contains(v.artifacts())).isTrue();
            }
            Path artifact = Files.writeString(home.resolve("after.bin"), "after");
            assertThat(mlops.registry().createVersion(v -> v.model("shared").artifacts(artifact)).version()).isEqualTo(n + 1);
        }
    }
}
