package dev.mlops.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.serving.Prediction;
import dev.mlops.core.monitor.ModelMonitor;
import dev.mlops.core.pipeline.Triggers;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TrainedModel;
import dev.mlops.testkit.SyntheticData;
import dev.mlops.testkit.TinyModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop across two "machines" sharing one broker: the serving machine's monitor sees its
 * traffic drift and publishes the drift event; the training machine's trigger retrains, its other
 * trigger promotes the new version through the registry's gate, and its endpoint, bound to
 * {@code champion}, hot-swaps to it.
 */
class ClosedLoopTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    private static MlopsPlatform machine(String name, Path home, String topic) {
        return MlopsPlatform.builder().name(name).home(home).eventBusProvider("kafka")
                .property("kafka.bootstrap-servers", KAFKA.broker().bootstrapServers()).property("kafka.topic", topic)
                .property("kafka.group", name).property("kafka.partitions", "2").build();
    }

    @Test
    void driftSeenOnOneMachineEndsWithARetrainedModelServedByTheOther() throws Exception {
        String topic = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        PromotionPolicy gate = PromotionPolicy.builder().metricAtMost("rmse", 1.0).build();
        try (MlopsPlatform training = machine("training", dir.resolve("training"), topic);
                MlopsPlatform serving = machine("serving", dir.resolve("serving"), topic)) {
            TrainedModel first = TinyModels.fit(SyntheticData.linear(300, 1));
            ModelVersion v1 = first.register(training.registry(), "rater", spec -> { });
            training.registry().promote("rater", v1.version(), "champion", gate, "test");

            Pipeline.Builder p = Pipeline.builder("retrain-rater");
            Param<String> model = p.param("model", String.class).required();
            p.step("train-and-register", ctx -> {
                try (TrainedModel retrained = TinyModels.fit(SyntheticData.linear(300, 2, 2.0, 1.5))) {
                    return retrained.register(training.registry(), ctx.param(model), spec -> { }).version();
                }
            });
            training.triggers().register(Triggers.retrainOnDrift("rater", p.build()));
            training.triggers().register(Triggers.promoteOnNewVersion("rater", "champion", gate));

            try (EmbeddedServingEndpoint<float[], Float> endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater")
                    .registry(training.registry()).events(training.eventBus()).model("rater").alias("champion")
                    .loader(TrainedModel.servingLoader()).workers(1).build();
                    ModelMonitor monitor = ModelMonitor.builder("rater").features("a", "b")
                            .reference(first.trainingProfile().orElseThrow()).windowSize(200)
                            .events(serving.eventBus()).build()) {
                assertThat(endpoint.version()).isEqualTo(v1.version());
                Random random = new Random(4);
                for (int i = 0; i < 200; i++) {
                    float a = (float) (random.nextGaussian() + 1.5);
                    float b = (float) random.nextGaussian();
                    monitor.record(null, new float[] {a, b}, 2 * a - b);
                }
                monitor.flush();
                assertThat(monitor.lastReport().orElseThrow().datasetDrift()).isTrue();

                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (endpoint.version() == v1.version() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(endpoint.version()).as("the champion the training machine's endpoint serves").isEqualTo(2);
                Prediction<Float> p2 = endpoint.predict(new float[] {1.5f, 0f});
                assertThat(p2.version()).isEqualTo(2);
                assertThat(training.registry().versionByAlias("rater", "champion").orElseThrow().version()).isEqualTo(2);
            }
            first.close();
        }
    }
}
