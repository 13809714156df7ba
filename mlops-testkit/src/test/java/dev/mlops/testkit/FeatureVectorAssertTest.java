package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureValue.Status;
import dev.mlops.api.feature.FeatureVector;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeatureVectorAssertTest {

    @Test
    void checksValuesAndStatuses() {
        Map<String, FeatureValue> values = new LinkedHashMap<>();
        values.put("user_stats__avg_rating", new FeatureValue(4.5, Status.PRESENT, Optional.of(Instant.EPOCH),
                Optional.of(Duration.ofMinutes(1))));
        values.put("user_clicks__clicks", new FeatureValue(null, Status.OUTSIDE_MAX_AGE, Optional.of(Instant.EPOCH),
                Optional.of(Duration.ofDays(3))));
        FeatureVector vector = new FeatureVector(Map.of("user_id", "u1"), values);

        assertThat(vector).hasValue("user_stats__avg_rating", 4.5).hasStatus("user_clicks__clicks", Status.OUTSIDE_MAX_AGE);
        assertThatThrownBy(() -> assertThat(vector).hasValue("user_clicks__clicks", 3L))
                .hasMessage("Expected user_clicks__clicks of {user_id=u1} to be present with <3> but it was OUTSIDE_MAX_AGE <null>");
        assertThatThrownBy(() -> assertThat(vector).hasStatus("nope", Status.NULL))
                .hasMessageStartingWith("Expected the vector of {user_id=u1} to have feature <nope>");
    }
}
