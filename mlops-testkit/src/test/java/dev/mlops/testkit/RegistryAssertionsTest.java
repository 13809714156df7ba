package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Stage;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@MlopsTest
class RegistryAssertionsTest {

    @Test
    void assertsVersionsAndTrackingRuns(MlopsPlatform mlops) throws IOException {
        Path model = Files.writeString(mlops.home().resolve("m.bin"), "w");
        String trackingId;
        try (TrackingRun run = mlops.tracker().startRun("exp", "r")) {
            run.logParam("epochs", "10").logMetric("rmse", 0.84);
            trackingId = run.id();
        }
        ModelVersion v = mlops.registry().createVersion(s -> s.model("movie-rater").artifacts(model).metric("rmse", 0.84)
                .pipelineRun("train", "r1", "fit"));
        mlops.registry().setAlias("movie-rater", "champion", 1, "ana");
        ModelVersion champion = mlops.registry().versionByAlias("movie-rater", "champion").orElseThrow();
        RunInfo run = mlops.tracker().findRun(trackingId).orElseThrow();

        assertThat(champion).hasVersion(1).hasAlias("champion").hasStage(Stage.NONE).hasMetric("rmse", 0.84)
                .wasProducedBy("train", "r1");
        assertThat(run).isFinished().hasParam("epochs", "10").hasLatestMetric("rmse", 0.84);
        assertThatThrownBy(() -> assertThat(v).hasAlias("champion"))
                .hasMessage("Expected movie-rater version 1 to have alias <champion> but its aliases are []");
        assertThatThrownBy(() -> assertThat(run).hasStatus(RunStatus.FAILED))
                .hasMessage("Expected tracking run " + trackingId + " to be FAILED but was FINISHED");
        assertThatThrownBy(() -> assertThat(run).hasLatestMetric("loss", 1))
                .hasMessageEndingWith("to end loss at 1.0 but it was never logged");
    }
}
