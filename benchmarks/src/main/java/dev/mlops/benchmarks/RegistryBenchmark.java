package dev.mlops.benchmarks;

import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.VersionPage;
import dev.mlops.api.model.VersionQuery;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded registry against its baselines: registering a version with a 10 MB artifact against
 * copying and hashing the same file (forced to disk, as the store does); resolving an alias against a
 * {@code HashMap} lookup; a search over 10,000 versions against filtering and sorting the same
 * versions in a list.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RegistryBenchmark {

    /** A platform with one 10 MB model file whose first bytes change before every registration. */
    @State(Scope.Benchmark)
    public static class Artifact {
        Path home;
        MlopsPlatform mlops;
        Path file;
        long counter;
        ArtifactRef last;
        Path lastCopy;

        /** Creates the platform and the file. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            home = Files.createTempDirectory("mlops-registry-bench-");
            mlops = MlopsPlatform.embedded(home);
            byte[] bytes = new byte[10 << 20];
            new Random(1).nextBytes(bytes);
            file = Files.write(home.resolve("model.bin"), bytes);
        }

        /** Makes the file's content new, so that content addressing cannot skip the upload. */
        @Setup(Level.Invocation)
        public void change() throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(8).putLong(0, ++counter));
            }
        }

        /** Removes what the invocation stored, so the disk does not fill. */
        @TearDown(Level.Invocation)
        public void clean() throws IOException {
            if (last != null) {
                Files.deleteIfExists(Path.of(last.uri()));
                last = null;
            }
            if (lastCopy != null) {
                Files.deleteIfExists(lastCopy);
                lastCopy = null;
            }
        }

        /** Closes the platform and deletes the home. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mlops.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    /** A registry holding 10,000 versions of 10 models, one alias set. */
    @State(Scope.Benchmark)
    public static class Populated {
        Path home;
        MlopsPlatform mlops;
        ModelRegistry registry;
        List<ModelVersion> inMemory;
        Map<String, ModelVersion> aliases = new HashMap<>();
        VersionQuery query = VersionQuery.filter("name = 'model-3' and metrics.rmse < 0.5").orderBy("metrics.rmse asc")
                .limit(20);

        /** Registers the versions. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            home = Files.createTempDirectory("mlops-search-bench-");
            mlops = MlopsPlatform.embedded(home);
            registry = mlops.registry();
            Path artifact = Files.writeString(home.resolve("w.bin"), "weights");
            Random random = new Random(2);
            for (int i = 0; i < 10_000; i++) {
                double rmse = random.nextDouble();
                registry.createVersion(v -> v.model("model-" + (random.nextInt(10))).artifacts(artifact).metric("rmse", rmse));
            }
            registry.setAlias("model-3", "champion", 1, "bench");
            aliases.put("model-3/champion", registry.versionByAlias("model-3", "champion").orElseThrow());
            inMemory = new ArrayList<>();
            registry.models().forEach(m -> inMemory.addAll(registry.versions(m.name())));
        }

        /** Closes the platform and deletes the home. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mlops.close();
            Benchmarks.deleteRecursively(home);
        }
    }

    /**
     * Registers a version with a 10 MB artifact.
     *
     * @param a the state
     * @return the version
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ModelVersion createVersion10Mb(Artifact a) {
        ModelVersion v = a.mlops.registry().createVersion(s -> s.model("big").artifacts(a.file).metric("rmse", 0.8));
        a.last = v.artifacts();
        return v;
    }

    /**
     * Baseline: copies the 10 MB file while hashing it, and forces the copy to disk.
     *
     * @param a the state
     * @return the digest
     * @throws IOException if the disk fails
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] baselineCopyAndHash10Mb(Artifact a) throws IOException {
        Path copy = a.home.resolve("copy-" + a.counter);
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(a.file), digest);
                FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream stream = Channels.newOutputStream(out);
            in.transferTo(stream);
            out.force(true);
        }
        a.lastCopy = copy;
        return digest.digest();
    }

    /**
     * Resolves an alias to a version, after the first read.
     *
     * @param p the state
     * @return the version
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public ModelVersion resolveAlias(Populated p) {
        return p.registry.versionByAlias("model-3", "champion").orElseThrow();
    }

    /**
     * Baseline: a {@code HashMap} lookup of the same version.
     *
     * @param p the state
     * @return the version
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public ModelVersion baselineHashMapLookup(Populated p) {
        return p.aliases.get("model-3/champion");
    }

    /**
     * Searches 10,000 versions with a filter, an order and a page.
     *
     * @param p the state
     * @return the page
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public VersionPage search10k(Populated p) {
        return p.registry.search(p.query);
    }

    /**
     * Baseline: the same filter and order over the versions in a list.
     *
     * @param p the state
     * @return the first 20
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<ModelVersion> baselineListFilter10k(Populated p) {
        return p.inMemory.stream().filter(v -> v.model().equals("model-3") && v.metrics().get("rmse") < 0.5)
                .sorted(Comparator.comparing(v -> v.metrics().get("rmse"))).limit(20).toList();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
