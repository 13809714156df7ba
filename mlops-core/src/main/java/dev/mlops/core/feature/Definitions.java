package dev.mlops.core.feature;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.data.Column;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureRef;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OnDemandFeatureView;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.internal.StateFiles;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The applied definitions on disk: {@code entities/<name>.json}, {@code views/<name>/<version>.json},
 * {@code on-demand/<name>/<version>.json} and {@code services/<name>.json}, plus a {@code generation}
 * counter that every change increments. The counter is a memory-mapped 8-byte file, so every JVM
 * on the machine sees an increment at once for the price of a memory read: readers keep what they
 * read until the counter moves, and another JVM's apply is seen on the next call.
 */
final class Definitions {
    private final Path root;
    private final JsonCodec json;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private volatile @Nullable Cached cached;
    private volatile @Nullable MappedByteBuffer generation;

    /** What is stored of an on-demand view: everything but the function. */
    record OnDemand(String name, int version, List<Column> request, List<FeatureRef> inputs, List<Column> fields,
            String description) {
        static OnDemand of(OnDemandFeatureView view) {
            return new OnDemand(view.name(), view.version(), view.request(), view.inputs(), view.fields(), view.description());
        }

        String versionedName() {
            return name + "@" + version;
        }
    }

    /** The definitions at one generation, by name ({@code name@version} for views); never changed. */
    static final class Stored {
        final Map<String, Entity> entities = new LinkedHashMap<>();
        final Map<String, FeatureView> views = new LinkedHashMap<>();
        final Map<String, OnDemand> onDemand = new LinkedHashMap<>();
        final Map<String, FeatureService> services = new LinkedHashMap<>();

        List<Column> joinKeys(FeatureView view) {
            List<Column> keys = new ArrayList<>();
            for (String entity : view.entities()) {
                keys.addAll(entities.get(entity).joinKeys());
            }
            return keys;
        }
    }

    private record Cached(long stamp, Stored stored) {
    }

    Definitions(Path root, JsonCodec json) {
        this.root = root;
        this.json = json;
    }

    Stored load() {
        long stamp = (long) LONGS.getVolatile(generation(), 0);
        Cached c = cached;
        if (c != null && c.stamp() == stamp) {
            return c.stored();
        }
        Stored stored = new Stored();
        readAll(root.resolve("entities"), Entity.class).forEach(e -> stored.entities.put(e.name(), e));
        readVersions(root.resolve("views"), FeatureView.class).forEach(v -> stored.views.put(v.versionedName(), v));
        readVersions(root.resolve("on-demand"), OnDemand.class).forEach(v -> stored.onDemand.put(v.versionedName(), v));
        readAll(root.resolve("services"), FeatureService.class).forEach(s -> stored.services.put(s.name(), s));
        cached = new Cached(stamp, stored);
        return stored;
    }

    /** Writes or deletes one definition file; {@link #changed()} must follow the last one. */
    void write(String kind, String versionedName, @Nullable Object definition) {
        Path file;
        String[] parts = versionedName.split("@");
        switch (kind) {
            case "entity":
                file = root.resolve("entities").resolve(versionedName + ".json");
                break;
            case "feature view":
                file = root.resolve("views").resolve(parts[0]).resolve(parts[1] + ".json");
                break;
            case "on-demand view":
                file = root.resolve("on-demand").resolve(parts[0]).resolve(parts[1] + ".json");
                break;
            default:
                file = root.resolve("services").resolve(versionedName + ".json");
        }
        if (definition == null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new MlopsException("cannot delete " + file + ": " + e, e, true);
            }
        } else {
            StateFiles.replace(file, json.write(definition));
        }
    }

    /** Increments the generation counter, so that every reader reloads; called under the definitions' lock. */
    void changed() {
        MappedByteBuffer counter = generation();
        LONGS.setVolatile(counter, 0, (long) LONGS.getVolatile(counter, 0) + 1);
        counter.force();
        cached = null;
    }

    private MappedByteBuffer generation() {
        MappedByteBuffer counter = generation;
        if (counter != null) {
            return counter;
        }
        synchronized (this) {
            if (generation == null) {
                Path file = root.resolve("generation");
                try {
                    Files.createDirectories(root);
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE)) {
                        generation = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
                    }
                } catch (IOException e) {
                    throw new MlopsException("cannot map " + file + ": " + e, e, true);
                }
            }
            return generation;
        }
    }

    private <T> List<T> readVersions(Path dir, Class<T> type) {
        List<T> all = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> dirs = Files.list(dir)) {
                for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                    all.addAll(readAll(d, type));
                }
            } catch (IOException e) {
                throw new MlopsException("cannot list " + dir + ": " + e, e, true);
            }
        }
        return all;
    }

    private <T> List<T> readAll(Path dir, Class<T> type) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            List<T> all = new ArrayList<>();
            for (Path file : (Iterable<Path>) list.sorted()::iterator) {
                if (file.getFileName().toString().endsWith(".json")) {
                    all.add(json.read(Files.readAllBytes(file), type));
                }
            }
            return all;
        } catch (IOException e) {
            throw new MlopsException("cannot read " + dir + ": " + e, e, true);
        }
    }
}
