package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.data.ColumnType;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A materialization killed half-way resumes from its checkpoint, with nothing missing and nothing loaded twice. */
class MaterializationCrashTest {
    private static final int KEYS = 35_000;
    private static final int HANG_AT_WRITE = 2;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofDays(1));

    @TempDir
    Path dir;

    @Test
    void resumesAfterAKillWithoutDuplicatesOrGaps() throws Exception {
        Path csv = dir.resolve("clicks.csv");
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("user_id,clicks,event_ts\n");
            for (int k = 0; k < KEYS; k++) {
                out.write(k + "," + k + "," + T0.plusSeconds(k % 600) + "\n");
                out.write(k + "," + (k * 10L) + "," + T0.plusSeconds(3_600 + k % 600) + "\n");
            }
        }
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
        FeatureView clicks = FeatureView.builder("clicks").entities("user").field("clicks", ColumnType.LONG)
                .ttl(Duration.ofDays(7)).source(FeatureSource.csv(csv, "event_ts")).build();
        FeatureService service = FeatureService.builder("clicks").features(clicks).build();
        Path home = dir.resolve("home");
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            mlops.features().apply(FeatureDefinitions.of(user, clicks, service));
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashableMaterializationMain.class.getName(),
                home.toString(), Integer.toString(HANG_AT_WRITE), T0.toString(), T1.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(home.resolve("hanging"))) {
            assertThat(child.isAlive()).as("child alive until it hangs; output: %s", log()).isTrue();
            assertThat(System.nanoTime()).as("child hangs within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        try (MlopsPlatform mlops = MlopsPlatform.builder().home(home).clock(Clock.fixed(T1, ZoneOffset.UTC)).build()) {
            Map<String, Long> written = mlops.features().materialize(T0, T1);
            assertThat(written).containsEntry("clicks@1", (long) KEYS - HANG_AT_WRITE * Materializer.CHUNK);

            List<Map<String, Object>> keys = new ArrayList<>();
            for (long k = 0; k < KEYS; k++) {
                keys.add(Map.of("user_id", k));
            }
            List<FeatureVector> vectors = mlops.features().onlineFeatures(keys, service);
            for (int k = 0; k < KEYS; k++) {
                assertThat(vectors.get(k).value("clicks__clicks", Long.class)).as("key %s", k).contains(k * 10L);
            }
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("child.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
