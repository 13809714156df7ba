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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The applied definitions on disk: {@code entities/<name>.json}, {@code views/<name>/<version>.json},
 * {@code on-demand/<name>/<version>.json} and {@code services/<name>.json}, plus a {@code generation}
 * file replaced after every change. Readers keep what they read until the generation file is
 * replaced (one {@code stat} per read), so another JVM's apply is seen on the next call.
 */
final class Definitions {
    private final Path root;
    private final JsonCodec json;
    private volatile @Nullable Cached cached;

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

    private record Cached(Object stamp, Stored stored) {
    }

    Definitions(Path root, JsonCodec json) {
        this.root = root;
        this.json = json;
    }

    Stored load() {
        Object stamp = stamp();
        Cached c = cached;
        if (c != null && c.stamp().equals(stamp)) {
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

    /** Replaces the generation file, so that every reader reloads. */
    void changed() {
        StateFiles.replace(root.resolve("generation"), UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        cached = null;
    }

    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(root.resolve("generation"), BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            return "none";
        } catch (IOException e) {
            throw new MlopsException("cannot read " + root.resolve("generation") + ": " + e, e, true);
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
