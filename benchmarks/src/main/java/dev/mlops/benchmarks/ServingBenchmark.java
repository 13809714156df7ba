package dev.mlops.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.serving.Prediction;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.serving.EmbeddedServingEndpoint;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A small MLP (32 → 64 → 1) served by the endpoint (2 workers, batches of up to 64, no batch delay:
 * a batch holds what is waiting) against raw DJL {@code Predictor}s, one per calling thread, on the
 * same model: latency at concurrency 1 and throughput at concurrency 64.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Dai.djl.offline=true"})
public class ServingBenchmark {
    static final int FEATURES = 32;

    /** A trained, registered model, the endpoint serving it, and the model itself for raw predictors. */
    @State(Scope.Benchmark)
    public static class Served {
        Path home;
        MlopsPlatform mlops;
        TrainedModel model;
        EmbeddedServingEndpoint<float[], Float> endpoint;

        /** Trains one epoch on random rows, registers, and starts the endpoint. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            home = Files.createTempDirectory("mlops-serving-bench-");
            mlops = MlopsPlatform.embedded(home);
            model = mlp();
            ModelVersion version = model.register(mlops.registry(), "mlp", spec -> { });
            endpoint = EmbeddedServingEndpoint.<float[], Float>builder("mlp").registry(mlops.registry()).model("mlp")
                    .version(version.version()).loader(TrainedModel.servingLoader()).workers(2).maxBatchSize(64)
                    .maxBatchDelay(Duration.ZERO).queueCapacity(10_000).defaultDeadline(Duration.ofSeconds(10))
                    .warmUp(input()).build();
        }

        /** Stops the endpoint and deletes the files. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            endpoint.close();
            model.close();
            mlops.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    /** A raw DJL predictor for the calling thread. */
    @State(Scope.Thread)
    public static class Raw {
        Predictor<float[], Float> predictor;

        /** Makes the thread's predictor. */
        @Setup(Level.Trial)
        public void setUp(Served served) {
            predictor = served.model.model().newPredictor(served.model.translator());
        }

        /** Frees it. */
        @TearDown(Level.Trial)
        public void tearDown() {
            predictor.close();
        }
    }

    /** An MLP (32 → 64 → 1) trained for one epoch on 500 random rows. */
    static TrainedModel mlp() {
        List<Column> columns = new ArrayList<>();
        String[] names = new String[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            names[f] = "f" + f;
            columns.add(Column.of(names[f], ColumnType.DOUBLE));
        }
        columns.add(Column.of("y", ColumnType.DOUBLE));
        Table.Builder rows = Table.builder(Schema.of(columns));
        Random random = new Random(1);
        for (int r = 0; r < 500; r++) {
            Object[] row = new Object[FEATURES + 1];
            for (int c = 0; c <= FEATURES; c++) {
                row[c] = random.nextGaussian();
            }
            rows.addRow(row);
        }
        return TabularTrainer.builder().features(names).label("y").hidden(64).epochs(1).build().fit(rows.build());
    }

    /** 4,096 random rows made once, so that both sides measure serving rather than random numbers. */
    private static final float[][] INPUTS = new float[4096][];

    static {
        Random random = new Random(7);
        for (int r = 0; r < INPUTS.length; r++) {
            INPUTS[r] = new float[FEATURES];
            for (int i = 0; i < FEATURES; i++) {
                INPUTS[r][i] = (float) random.nextGaussian();
            }
        }
    }

    /** One of the prepared random rows. */
    static float[] input() {
        return INPUTS[ThreadLocalRandom.current().nextInt(INPUTS.length)];
    }

    /** One request at a time through the endpoint. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public Prediction<Float> endpointLatency(Served s) {
        return s.endpoint.predict(input());
    }

    /** Baseline: one request at a time on a raw predictor. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public Float rawPredictorLatency(Raw raw) throws TranslateException {
        return raw.predictor.predict(input());
    }

    /** 64 concurrent callers through the endpoint. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Prediction<Float> endpointThroughput(Served s) {
        return s.endpoint.predict(input());
    }

    /**
     * 64 requests in flight from 2 asynchronous callers (32 each, as an event-loop server would
     * submit them); one operation is 32 answered requests.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    @OperationsPerInvocation(32)
    public int endpointThroughputAsync(Served s) {
        CompletableFuture<?>[] answers = new CompletableFuture<?>[32];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = s.endpoint.submit(input(), Duration.ofSeconds(10));
        }
        CompletableFuture.allOf(answers).join();
        return answers.length;
    }

    /** Baseline: 64 callers, each with its own raw predictor. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(64)
    public Float rawPredictorThroughput(Raw raw) throws TranslateException {
        return raw.predictor.predict(input());
    }
}
