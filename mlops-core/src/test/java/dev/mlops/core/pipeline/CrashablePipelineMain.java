package dev.mlops.core.pipeline;

import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM for {@link PipelineCrashTest}: runs a chain of steps, each appending its name to an
 * effects file when it finishes its work. In {@code start} mode, step {@code k} signals that it is
 * working and then hangs, so the parent can kill the JVM in the middle of it; {@code resume} mode
 * finishes the run.
 */
public final class CrashablePipelineMain {
    static final int STEPS = 5;

    private CrashablePipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String mode = args[1];
        int hangAt = Integer.parseInt(args[2]);
        Path effects = home.resolve("effects.log");
        var p = Pipeline.builder("crashable");
        Step<Integer> previous = p.step("s0", ctx -> work(home, effects, mode, hangAt, 0));
        for (int i = 1; i < STEPS; i++) {
            int index = i;
            previous = p.step("s" + i, previous, (ctx, in) -> work(home, effects, mode, hangAt, index));
        }
        Pipeline pipeline = p.build();
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            PipelineRun run = "start".equals(mode)
                    ? mlops.pipelines().run(pipeline, r -> r.runId("crash-run"))
                    : mlops.pipelines().resume(pipeline, "crash-run").await();
            System.out.println("RUN " + run.state());
            System.exit(run.state().name().equals("SUCCEEDED") ? 0 : 2);
        }
    }

    private static int work(Path home, Path effects, String mode, int hangAt, int index)
            throws IOException, InterruptedException {
        if ("start".equals(mode) && index == hangAt) {
            Files.writeString(home.resolve("working-" + index), "now");
            Thread.sleep(120_000);
        }
        try (FileChannel out = FileChannel.open(effects, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            out.write(StandardCharsets.UTF_8.encode("s" + index + "\n"));
            out.force(true);
        }
        return index;
    }
}
