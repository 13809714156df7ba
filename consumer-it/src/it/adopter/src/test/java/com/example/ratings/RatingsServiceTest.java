package com.example.ratings;

import static dev.mlops.testkit.MlopsAssertions.assertThat;

import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.testkit.MlopsTest;
import dev.mlops.testkit.RecordingEventBus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A team's own test of its use of the SDK, with the testkit. */
@MlopsTest
class RatingsServiceTest {
    @Test
    void theServiceRuns() {
        RatingsService.main(new String[0]);
        assertThat(Path.of("target", ".mlops")).isDirectory();
    }

    @Test
    void promotingAVersionAnnouncesTheNewChampion(MlopsPlatform mlops, RecordingEventBus events) throws Exception {
        Path model = Files.writeString(Files.createTempFile("weights", ".bin"), "weights");
        ModelVersion v = mlops.registry().createVersion(s -> s.model("movie-rater").artifacts(model).metric("rmse", 0.8));
        mlops.registry().setAlias("movie-rater", "champion", v.version(), "ci");

        assertThat(mlops.registry().versionByAlias("movie-rater", "champion").orElseThrow())
                .hasVersion(1).hasAlias("champion").hasMetric("rmse", 0.8);
        assertThat(events).hasPublished(EventTypes.MODEL_ALIAS_CHANGED);
    }
}
