package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.Route;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PredictionAssertTest {
    private final Prediction<Float> canary = new Prediction<>(3.5f, "rater", 4, Route.CANARY, Duration.ofMillis(2),
            Duration.ofMillis(1));

    @Test
    void passesForWhatThePredictionSays() {
        assertThat(canary).hasValue(3.5f).hasValueCloseTo(3.4, 0.2).answeredBy("rater", 4).tookRoute(Route.CANARY)
                .waitedAtMost(Duration.ofMillis(2));
    }

    @Test
    void failsNamingWhatDiffers() {
        assertThatThrownBy(() -> assertThat(canary).hasValue(2f))
                .hasMessage("Expected the prediction to be <2.0> but it was <3.5> (rater version 4, CANARY)");
        assertThatThrownBy(() -> assertThat(canary).answeredBy("rater", 3))
                .hasMessage("Expected rater version 3 to answer but rater version 4 did");
        assertThatThrownBy(() -> assertThat(canary).tookRoute(Route.CHAMPION))
                .hasMessage("Expected route CHAMPION but the request took CANARY");
        assertThatThrownBy(() -> assertThat(canary).waitedAtMost(Duration.ofMillis(1)))
                .hasMessage("Expected a queue time of at most PT0.001S but it was PT0.002S");
        assertThatThrownBy(() -> assertThat(canary).hasValueCloseTo(1, 0.1)).hasMessageContaining("within 0.1 of <1.0>");
    }
}
