package dev.mlops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a JVM in the middle of step k of a durable run and resumes the run in a new JVM: every step
 * must have done its work exactly once, and the run must succeed.
 */
class PipelineCrashTest {

    @TempDir
    Path home;

    @ParameterizedTest(name = "killed during step s{0}")
    @ValueSource(ints = {0, 2, 4})
    void resumeAfterAKillRunsEveryStepExactlyOnce(int k) throws Exception {
        Process first = launch("start", k);
        Path working = home.resolve("working-" + k);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(working)) {
            assertThat(first.isAlive()).as("child JVM alive until step s%s starts; output: %s", k, output("start")).isTrue();
            assertThat(System.nanoTime()).as("step s%s started within 60 s", k).isLessThan(deadline);
            Thread.sleep(20);
        }
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        List<String> before = effects();
        assertThat(before).hasSize(k);

        Process second = launch("resume", -1);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("resume finished").isTrue();
        String out = output("resume");
        assertThat(second.exitValue()).as("resume output: %s", out).isZero();
        assertThat(out).contains("RUN SUCCEEDED");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CrashablePipelineMain.STEPS; i++) {
            expected.add("s" + i);
        }
        assertThat(effects()).containsExactlyElementsOf(expected);
    }

    private Process launch(String mode, int hangAt) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashablePipelineMain.class.getName(), home.toString(), mode, Integer.toString(hangAt))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("child-" + mode + ".log").toFile())
                .start();
    }

    private String output(String mode) throws IOException {
        Path log = home.resolve("child-" + mode + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private List<String> effects() throws IOException {
        Path file = home.resolve("effects.log");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
