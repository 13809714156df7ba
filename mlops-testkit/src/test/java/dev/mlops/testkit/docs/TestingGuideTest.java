package dev.mlops.testkit.docs;

import static dev.mlops.testkit.MlopsAssertions.assertThat;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.serving.Route;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.testkit.MlopsTest;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import dev.mlops.testkit.TinyModels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The examples of docs/testing.md, "Testing your own ML code", as they run. */
@MlopsTest
class TestingGuideTest {
    @Test
    void aPipelineRetriesAFlakyStepAndReportsItsOutput(MlopsPlatform mlops, RecordingEventBus events) {
        AtomicInteger calls = new AtomicInteger();
        var p = Pipeline.builder("count-ratings");
        Step<List<Integer>> ingest = p.step("ingest", ctx -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the ratings feed timed out");
            }
            return List.of(5, 3, 4);
        }).retries(2);
        Step<Integer> count = p.step("count", ingest, (ctx, ratings) -> ratings.size());
        Pipeline pipeline = p.build();

        PipelineRun run = mlops.pipelines().run(pipeline);

        assertThat(run).succeeded().step("ingest").hasAttempts(2);
        assertThat(run.output(count)).contains(3);
        assertThat(events).hasPublished(EventTypes.PIPELINE_RUN_FINISHED).hasNotPublished(EventTypes.PIPELINE_RUN_FAILED);
    }

    @Test
    void aFeatureViewAnswersAsOfEachEventAndOnline(MlopsPlatform mlops, TestClock clock) {
        Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).build();
        FeatureView stats = FeatureView.builder("user_stats").entities("user")
                .field("avg_rating", ColumnType.DOUBLE).ttl(Duration.ofDays(30))
                .source(FeatureSource.push("user_stats_push", "at")).build();
        FeatureService service = FeatureService.builder("rater").features(stats).build();
        mlops.features().apply(FeatureDefinitions.of(user, stats, service));

        Instant monday = Instant.parse("2026-01-05T00:00:00Z");
        Table pushed = Table.builder(Schema.of(Column.of("user_id", ColumnType.LONG), Column.of("at", ColumnType.TIMESTAMP),
                Column.of("avg_rating", ColumnType.DOUBLE)))
                .addRow(7L, monday, 3.0)
                .addRow(7L, monday.plus(Duration.ofDays(2)), 4.5)
                .build();
        mlops.features().push("user_stats_push", pushed);

        Table events = Table.builder(Schema.of(Column.of("user_id", ColumnType.LONG), Column.of("rated_at", ColumnType.TIMESTAMP)))
                .addRow(7L, monday.plus(Duration.ofDays(1)))     // sees Monday's value, not Wednesday's
                .build();
        Table training = mlops.features().historicalFeatures(events, "rated_at", service);
        assertThat(training.doubleAt(0, training.schema().indexOf("user_stats__avg_rating"))).isEqualTo(3.0);

        clock.set(monday.plus(Duration.ofDays(3)));
        mlops.features().materialize(Instant.EPOCH, clock.instant());
        FeatureVector online = mlops.features().onlineFeatures(List.of(Map.of("user_id", 7L)), service).get(0);
        assertThat(online).hasValue("user_stats__avg_rating", 4.5);
    }

    @Test
    void anEndpointServesTheChampion(MlopsPlatform mlops) throws Exception {
        try (TrainedModel model = TinyModels.linear()) {                    // learns y = 2a − b
            ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
            mlops.registry().setAlias("rater", "champion", v.version(), "ci");
        }
        try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                .registry(mlops.registry()).events(mlops.eventBus()).model("rater").alias("champion")
                .loader(TrainedModel.servingLoader()).build()) {
            assertThat(endpoint.predict(new float[] {1f, 0.5f}))
                    .hasValueCloseTo(1.5, 0.6).answeredBy("rater", 1).tookRoute(Route.CHAMPION);
        }
    }
}
