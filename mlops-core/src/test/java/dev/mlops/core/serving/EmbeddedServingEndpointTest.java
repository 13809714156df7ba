package dev.mlops.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.Route;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.training.TrainedModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DJL models, trained here, served through the endpoint. */
class EmbeddedServingEndpointTest {
    private static final float[] ROW = {0.5f, 11f};

    @TempDir
    Path dir;

    private MlopsPlatform mlops;

    @BeforeEach
    void open() {
        mlops = MlopsPlatform.embedded(dir.resolve("home"));
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    /** Trains y = scale·a − b and registers it; returns its version and prediction for {@link #ROW}. */
    private float register(double scale, int[] version) {
        try (TrainedModel model = TinyModels.fit(scale)) {
            ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
            version[0] = v.version();
            return model.predict(Table.builder(Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE)))
                    .addRow((double) ROW[0], (double) ROW[1]).build())[0];
        }
    }

    private EmbeddedServingEndpoint.Builder<float[], Float> endpoint() {
        return unwarmed().warmUp(ROW);
    }

    private EmbeddedServingEndpoint.Builder<float[], Float> unwarmed() {
        return EmbeddedServingEndpoint.<float[], Float>builder("rater").registry(mlops.registry()).events(mlops.eventBus())
                .model("rater").alias("champion").loader(TrainedModel.servingLoader()).workers(2);
    }

    @Test
    void answersWhatTheTrainedModelPredictsWithItsVersionAndTimings() {
        int[] v1 = new int[1];
        float expected = register(2, v1);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().build()) {
            Prediction<Float> p = endpoint.predict(ROW);
            assertThat(p.value()).isCloseTo(expected, within(1e-5f));
            assertThat(p.model()).isEqualTo("rater");
            assertThat(p.version()).isEqualTo(v1[0]);
            assertThat(p.route()).isEqualTo(Route.CHAMPION);
            assertThat(p.computeTime()).isPositive();
        }
    }

    @Test
    void batchesConcurrentRequests() throws Exception {
        int[] v1 = new int[1];
        float expected = register(2, v1);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().workers(1).maxBatchSize(64)
                .maxBatchDelay(Duration.ofMillis(200)).build()) {
            List<CompletableFuture<Prediction<Float>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(endpoint.submit(ROW, Duration.ofSeconds(10)));
            }
            for (CompletableFuture<Prediction<Float>> answer : answers) {
                // rows batched together may round in the last bit differently from a batch of one
                assertThat(answer.get(10, TimeUnit.SECONDS).value()).isCloseTo(expected, within(1e-5f));
            }
            // with one worker and a 200 ms window, 50 requests submitted at once share few batches
            long distinctComputeTimes = answers.stream().map(a -> a.join().computeTime()).distinct().count();
            assertThat(distinctComputeTimes).isLessThan(10);
        }
    }

    @Test
    void refusesBadInputAloneAndOverloadAtOnce() throws Exception {
        int[] v1 = new int[1];
        register(2, v1);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().workers(1).queueCapacity(2).maxBatchSize(1)
                .maxBatchDelay(Duration.ZERO).build()) {
            assertThatThrownBy(() -> endpoint.predict(new float[] {1f})).isInstanceOf(ValidationException.class)
                    .hasMessage("input must hold 2 values [a, b], was '1 values'");
            assertThatThrownBy(() -> endpoint.predict(new float[] {1f, Float.NaN})).isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("input b must be a finite number");
            List<CompletableFuture<Prediction<Float>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(endpoint.submit(ROW, Duration.ofSeconds(10)));
            }
            long overloaded = answers.stream().filter(a -> a.isCompletedExceptionally()
                    && causeOf(a) instanceof OverloadedException).count();
            assertThat(overloaded).as("refused at submission, without waiting").isPositive();
            for (CompletableFuture<Prediction<Float>> answer : answers) {
                try {
                    answer.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(OverloadedException.class)
                            .hasMessage("endpoint rater queue is full (2 requests)");
                }
            }
        }
    }

    @Test
    void failsRequestsWhoseDeadlinePassedBeforeTheirBatch() throws Exception {
        int[] v1 = new int[1];
        register(2, v1);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().workers(1).maxBatchSize(64)
                .maxBatchDelay(Duration.ofMillis(300)).build()) {
            CompletableFuture<Prediction<Float>> hurried = endpoint.submit(ROW, Duration.ofMillis(1));
            assertThatThrownBy(() -> hurried.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OperationTimeoutException.class);
        }
    }

    @Test
    void swapsWhenTheAliasMovesUnderLoadWithoutAFailedRequestAndRollsBack() throws Exception {
        int[] v1 = new int[1];
        int[] v2 = new int[1];
        float first = register(2, v1);
        float second = register(-3, v2);
        assertThat(second).isNotEqualTo(first);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            CountDownLatch seenNew = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread client = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            Prediction<Float> p = endpoint.predict(ROW);
                            answered.incrementAndGet();
                            float want = p.version() == v1[0] ? first : second;
                            if (Math.abs(p.value() - want) > 1e-5f) {
                                failures.incrementAndGet();
                            }
                            if (p.version() == v2[0]) {
                                seenNew.countDown();
                            }
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            Thread.sleep(100);
            mlops.registry().setAlias("rater", "champion", v2[0], "test");
            assertThat(seenNew.await(30, TimeUnit.SECONDS)).as("the new version answers").isTrue();
            stop.set(true);
            for (Thread client : clients) {
                client.join();
            }
            assertThat(failures).hasValue(0);
            assertThat(answered.get()).isPositive();
            assertThat(endpoint.version()).isEqualTo(v2[0]);

            assertThat(endpoint.rollback()).isEqualTo(v1[0]);
            assertThat(endpoint.predict(ROW).value()).isCloseTo(first, within(1e-5f));
        }
    }

    @Test
    void swapsToTheVersionAnAliasEventNamesAndAnnouncesWhatItServes() throws Exception {
        int[] v1 = new int[1];
        int[] v2 = new int[1];
        register(2, v1);
        float second = register(-3, v2);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        List<Event> announced = new CopyOnWriteArrayList<>();
        mlops.eventBus().subscribe("dev.mlops.serving.**", announced::add);
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().build()) {
            // Another process moved the alias; the registry here may still answer the version before.
            mlops.eventBus().publish(Event.builder(EventTypes.MODEL_ALIAS_CHANGED).source("/registry/rater").subject("rater")
                    .data("model", "rater").data("alias", "champion").data("version", v2[0]).data("previous_version", v1[0])
                    .build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((endpoint.version() != v2[0] || announced.size() < 2) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(endpoint.version()).isEqualTo(v2[0]);
            assertThat(endpoint.predict(ROW).value()).isCloseTo(second, within(1e-5f));
        }
        assertThat(announced).extracting(Event::type).containsExactly(EventTypes.SERVING_ENDPOINT_DEPLOYED,
                EventTypes.SERVING_MODEL_SWAPPED);
        assertThat(announced.get(0).data()).containsEntry("endpoint", "rater").containsEntry("model", "rater")
                .containsEntry("version", v1[0]);
        assertThat(announced.get(1).data()).containsEntry("version", v2[0]).containsEntry("previous_version", v1[0]);
        assertThat(announced.get(1).subject()).contains("rater");
    }

    @Test
    void refusesBindingsThatCannotServe() throws IOException {
        assertThatThrownBy(() -> endpoint().build()).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> endpoint().version(1).build()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("be bound to an alias or a version");
        int[] v1 = new int[1];
        register(2, v1);
        try (EmbeddedServingEndpoint<float[], Float> pinned = EmbeddedServingEndpoint.<float[], Float>builder("pinned")
                .registry(mlops.registry()).model("rater").version(v1[0]).loader(TrainedModel.servingLoader()).workers(1)
                .build()) {
            assertThatThrownBy(pinned::rollback).isInstanceOf(ConflictException.class);
            pinned.close();
            assertThatThrownBy(() -> pinned.predict(ROW)).isInstanceOf(ConflictException.class).hasMessageContaining("closed");
        }

        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        AtomicInteger loaded = new AtomicInteger();
        ModelLoader<float[], Float> counting = (version, artifacts) -> {
            ModelLoader.Loaded<float[], Float> model = TrainedModel.servingLoader().load(version, artifacts);
            loaded.incrementAndGet();
            return new ModelLoader.Loaded<>() {
                @Override
                public ModelLoader.BatchPredictor<float[], Float> newPredictor() {
                    return model.newPredictor();
                }

                @Override
                public void close() {
                    model.close();
                    loaded.decrementAndGet();
                }
            };
        };
        InProcessEventBus closedBus = InProcessEventBus.builder().name("closed").build();
        closedBus.close();
        assertThatThrownBy(() -> EmbeddedServingEndpoint.<float[], Float>builder("unsubscribed").registry(mlops.registry())
                .events(closedBus).model("rater").alias("champion").loader(counting).workers(1).build())
                .hasMessageContaining("is closed");
        assertThat(loaded).as("models left loaded by a failed build").hasValue(0);
        try (Stream<Path> temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(temp.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("mlops-endpoint-unsubscribed-"));
        }
    }

    @Test
    void sendsAStickyShareToACanaryAndCountsEveryRoute() throws Exception {
        int[] v1 = new int[1];
        int[] v2 = new int[1];
        float first = register(2, v1);
        float second = register(-3, v2);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().meters(meters).build()) {
            endpoint.canary(v2[0], 30);
            assertThat(meters.get(MetricNames.SERVING_MODELS_LOADED).gauge().value()).isEqualTo(2.0);
            int canaried = 0;
            for (int user = 0; user < 400; user++) {
                Prediction<Float> p = endpoint.submit(ROW, "user-" + user, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                Prediction<Float> again = endpoint.submit(ROW, "user-" + user, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                assertThat(again.route()).as("sticky for user-%s", user).isEqualTo(p.route());
                if (p.route() == Route.CANARY) {
                    canaried++;
                    assertThat(p.version()).isEqualTo(v2[0]);
                    assertThat(p.value()).isCloseTo(second, within(1e-5f));
                } else {
                    assertThat(p.value()).isCloseTo(first, within(1e-5f));
                }
            }
            assertThat(canaried).isBetween(80, 160);
            endpoint.endCanary();
            assertThat(endpoint.predict(ROW).route()).isEqualTo(Route.CHAMPION);
            assertThat(meters.get(MetricNames.SERVING_REQUESTS).tags("route", "canary", "outcome", "ok").counter().count())
                    .isEqualTo(2.0 * canaried);
            assertThat(meters.get(MetricNames.SERVING_QUEUE_WAIT).timer().count()).isEqualTo(801);
            assertThat(meters.get(MetricNames.SERVING_BATCH_SIZE).summary().count()).isPositive();
        }
    }

    @Test
    void answersWithTheFallbackWhenTheModelFailsOrTheDeadlinePasses() throws Exception {
        int[] v1 = new int[1];
        register(2, v1);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        ModelLoader<float[], Float> failing = (version, artifacts) -> new ModelLoader.Loaded<float[], Float>() {
            @Override
            public ModelLoader.BatchPredictor<float[], Float> newPredictor() {
                return inputs -> {
                    throw new IllegalStateException("out of memory, say");
                };
            }

            @Override
            public void close() {
            }
        };
        try (EmbeddedServingEndpoint<float[], Float> warmed = endpoint().loader(failing).fallback(-1f).warmUp(ROW).build()) {
            throw new AssertionError("a model that fails its warm-up must not serve: " + warmed.version());
        } catch (MlopsException e) {
            assertThat(e).hasMessageStartingWith("cannot warm rater version " + v1[0]);
        }
        try (EmbeddedServingEndpoint<float[], Float> endpoint = unwarmed().loader(failing).fallback(-1f).build()) {
            Prediction<Float> p = endpoint.predict(ROW);
            assertThat(p.route()).isEqualTo(Route.FALLBACK);
            assertThat(p.value()).isEqualTo(-1f);
        }
        try (EmbeddedServingEndpoint<float[], Float> endpoint = unwarmed().loader(failing).build()) {
            assertThatThrownBy(() -> endpoint.predict(ROW)).hasMessageContaining("out of memory, say");
        }
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().workers(1).maxBatchSize(64)
                .maxBatchDelay(Duration.ofMillis(300)).fallback(-1f).build()) {
            Prediction<Float> late = endpoint.submit(ROW, Duration.ofMillis(1)).get(10, TimeUnit.SECONDS);
            assertThat(late.route()).isEqualTo(Route.FALLBACK);
        }
    }

    @Test
    void mirrorsAnswersToAShadowWithoutReturningThem() throws Exception {
        int[] v1 = new int[1];
        int[] v2 = new int[1];
        float first = register(2, v1);
        float second = register(-3, v2);
        mlops.registry().setAlias("rater", "champion", v1[0], "test");
        List<Prediction<Float>[]> pairs = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch recorded = new CountDownLatch(20);
        try (EmbeddedServingEndpoint<float[], Float> endpoint = endpoint().build()) {
            endpoint.shadow(v2[0], (answered, shadowed) -> {
                @SuppressWarnings("unchecked")
                Prediction<Float>[] pair = new Prediction[] {answered, shadowed};
                pairs.add(pair);
                recorded.countDown();
            });
            for (int i = 0; i < 20; i++) {
                Prediction<Float> p = endpoint.predict(ROW);
                assertThat(p.route()).isEqualTo(Route.CHAMPION);
                assertThat(p.value()).isCloseTo(first, within(1e-5f));
            }
            assertThat(recorded.await(30, TimeUnit.SECONDS)).isTrue();
            endpoint.endShadow();
        }
        assertThat(pairs).allSatisfy(pair -> {
            assertThat(pair[0].version()).isEqualTo(v1[0]);
            assertThat(pair[1].route()).isEqualTo(Route.SHADOW);
            assertThat(pair[1].version()).isEqualTo(v2[0]);
            assertThat(pair[1].value()).isCloseTo(second, within(1e-5f));
        });
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }
}
