package dev.mlops.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.model.Stage;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryMetricsTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Path artifact() throws IOException {
        Path file = dir.resolve("model.bin");
        if (!Files.exists(file)) {
            Files.writeString(file, "weights");
        }
        return file;
    }

    /** Every operations counter, as {@code operation/outcome -> count}. */
    private Map<String, Double> counts() {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter c : meters.find(MetricNames.REGISTRY_OPERATIONS).counters()) {
            counts.put(c.getId().getTag(MetricNames.TAG_OPERATION) + "/" + c.getId().getTag(MetricNames.TAG_OUTCOME), c.count());
        }
        return counts;
    }

    @Test
    void countsEveryMutatingOperationByOutcome() throws IOException {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).meterRegistry(meters).build()) {
            ModelRegistry registry = mlops.registry();
            Path artifact = artifact();
            registry.registerModel("rater", "rates movies", Map.of());
            registry.createVersion(v -> v.model("rater").artifacts(artifact).metric("rmse", 0.8));
            registry.createVersion(v -> v.model("rater").artifacts(artifact).metric("rmse", 0.7));
            assertThatThrownBy(() -> registry.createVersion(v -> v.model("rater").artifacts(dir.resolve("missing"))))
                    .isInstanceOf(ValidationException.class);
            registry.setAlias("rater", "champion", 1, "ana");
            assertThatThrownBy(() -> registry.setAlias("rater", "champion", 9, "ana")).isInstanceOf(NotFoundException.class);
            registry.transitionStage("rater", 1, Stage.STAGING, "ana");
            assertThatThrownBy(() -> registry.deleteAlias("rater", "nope", "ana")).isInstanceOf(NotFoundException.class);
            registry.setAlias("rater", "challenger", 2, "ana");
            registry.deleteAlias("rater", "challenger", "ana");
            // reads are not counted
            registry.versions("rater");
            registry.versionByAlias("rater", "champion");

            assertThat(counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "register_model/ok", 1.0,
                    "create_version/ok", 2.0,
                    "create_version/failed", 1.0,
                    "set_alias/ok", 2.0,
                    "set_alias/failed", 1.0,
                    "transition_stage/ok", 1.0,
                    "delete_alias/ok", 1.0,
                    "delete_alias/failed", 1.0));
        }
    }

    @Test
    void countsPromotionsAsPromotedRejectedOrFailed() throws IOException {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).meterRegistry(meters).build()) {
            ModelRegistry registry = mlops.registry();
            Path artifact = artifact();
            registry.createVersion(v -> v.model("rater").artifacts(artifact).metric("rmse", 0.8));
            PromotionPolicy policy = PromotionPolicy.builder().metricAtMost("rmse", 0.9).requireApprovals(1).build();

            assertThat(registry.promote("rater", 1, "champion", policy, "ci").promoted()).isFalse();
            registry.approve("rater", 1, "ana", "looks good");
            assertThat(registry.promote("rater", 1, "champion", policy, "ci").promoted()).isTrue();
            assertThatThrownBy(() -> registry.promote("rater", 5, "champion", policy, "ci"))
                    .isInstanceOf(NotFoundException.class);

            assertThat(counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "create_version/ok", 1.0,
                    "promote/rejected", 1.0,
                    "approve/ok", 1.0,
                    "promote/promoted", 1.0,
                    "set_alias/ok", 1.0,
                    "promote/failed", 1.0));
        }
    }

    @Test
    void theConstructorWithoutARegistryStillCountsInAPrivateOne() throws IOException {
        JsonCodec json = JsonCodec.create();
        try (InProcessEventBus bus = InProcessEventBus.create()) {
            EmbeddedModelRegistry registry = new EmbeddedModelRegistry(dir.resolve("registry"),
                    LocalArtifactStore.at(dir.resolve("artifacts"), json), json,
                    Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), bus);
            Path artifact = artifact();
            assertThat(registry.createVersion(v -> v.model("rater").artifacts(artifact)).version()).isEqualTo(1);
            EmbeddedModelRegistry counted = new EmbeddedModelRegistry(dir.resolve("registry"),
                    LocalArtifactStore.at(dir.resolve("artifacts"), json), json,
                    Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), bus, meters);
            assertThat(counted.createVersion(v -> v.model("rater").artifacts(artifact)).version()).isEqualTo(2);
            assertThat(counts()).containsExactlyEntriesOf(Map.of("create_version/ok", 1.0));
        }
    }
}
