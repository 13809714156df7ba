package dev.mlops.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.training.TrainedModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests by entity key, features from the online store, answers from a real DJL model. */
class FeatureEnrichedEndpointTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void readsTheFeaturesOfTheKeyAndPredictsFromThem() {
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
        FeatureView stats = FeatureView.builder("user_stats").entities("user").field("a", ColumnType.DOUBLE)
                .field("b", ColumnType.DOUBLE).ttl(Duration.ofDays(1)).source(FeatureSource.push("stats", "at")).build();
        FeatureService service = FeatureService.builder("scoring").features(stats).build();
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
            mlops.features().apply(FeatureDefinitions.of(user, stats, service));
            mlops.features().push("stats", Table.builder(Schema.of(Column.of("user_id", ColumnType.STRING),
                            Column.of("at", ColumnType.TIMESTAMP), Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE)))
                    .addRow("u1", NOW.minusSeconds(60), 0.5, 1.0).build());
            try (TrainedModel model = TinyModels.fit(2)) {
                ModelVersion v = model.register(mlops.registry(), "scorer", spec -> { });
                try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("scorer")
                        .registry(mlops.registry()).model("scorer").version(v.version()).loader(TrainedModel.servingLoader())
                        .workers(1).build()) {
                    List<String> order = List.of("user_stats__a", "user_stats__b");
                    FeatureEnrichedEndpoint strict = FeatureEnrichedEndpoint.of(endpoint, mlops.features(), service, order, null);
                    assertThat(strict.predict(Map.of("user_id", "u1")).value())
                            .isEqualTo(endpoint.predict(new float[] {0.5f, 1.0f}).value());
                    assertThatThrownBy(() -> strict.predict(Map.of("user_id", "u9"))).isInstanceOf(ValidationException.class)
                            .hasMessage("feature user_stats__a of {user_id=u9} must be present to predict, was 'NOT_FOUND'");
                    assertThat(strict.submit(Map.of(), Duration.ofSeconds(1))).isCompletedExceptionally();

                    FeatureEnrichedEndpoint lenient = FeatureEnrichedEndpoint.of(endpoint, mlops.features(), service, order, 0f);
                    assertThat(lenient.predict(Map.of("user_id", "u9")).value())
                            .isEqualTo(endpoint.predict(new float[] {0f, 0f}).value());
                }
            }
        }
    }
}
