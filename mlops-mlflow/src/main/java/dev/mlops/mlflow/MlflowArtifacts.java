package dev.mlops.mlflow;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.core.artifact.ArtifactFiles;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Files and directories at MLflow artifact locations — through the server's artifact proxy
 * ({@code mlflow-artifacts:/...}), or straight to a store the client reaches when the server hands
 * out such locations ({@code s3://...} through mlops-s3) — with the checksums the embedded store
 * computes: a file's SHA-256, a directory's that of its manifest (each file's relative path, SHA-256
 * and size). Downloads are verified before they appear at the target.
 */
final class MlflowArtifacts implements AutoCloseable {
    static final String SCHEME = "mlflow-artifacts:";

    private final ArtifactFiles proxy;
    private final JsonCodec json;
    private final Function<String, Optional<String>> properties;
    private final Map<String, ArtifactFiles> direct = new ConcurrentHashMap<>();

    MlflowArtifacts(MlflowRest rest, JsonCodec json, Function<String, Optional<String>> properties) {
        this.proxy = new Proxy(rest);
        this.json = json;
        this.properties = properties;
    }

    /** The files at a location: the proxy's, or those of the store its scheme names. */
    private ArtifactFiles files(String uri) {
        if (uri.startsWith(SCHEME)) {
            return proxy;
        }
        int colon = uri.indexOf("://");
        String scheme = colon < 1 ? "" : uri.substring(0, colon);
        if (scheme.isEmpty() || scheme.equals("file")) {
            throw new ValidationException("artifact location", "be served by the MLflow artifact proxy (mlflow-artifacts:/...;"
                    + " start the server with --serve-artifacts) or be in a store this client reaches (s3://...)", uri);
        }
        return direct.computeIfAbsent(scheme, s -> ArtifactFiles.open(s, properties));
    }

    /**
     * Uploads a file, or a directory's files together with extra files that are part of the directory
     * artifact from then on (its manifest and checksum include them).
     */
    ArtifactRef upload(String uri, Path source, Map<String, byte[]> extra) {
        ArtifactFiles files = files(uri);
        if (Files.isDirectory(source)) {
            Map<String, Path> all = new TreeMap<>(ArtifactManifests.files(source));
            List<Path> temporary = new ArrayList<>();
            try {
                for (Map.Entry<String, byte[]> file : extra.entrySet()) {
                    Path temp = Files.createTempFile("mlops-mlflow-", ".part");
                    temporary.add(temp);
                    all.put(ArtifactManifests.checkRelative(file.getKey()), Files.write(temp, file.getValue()));
                }
                List<ArtifactManifests.Entry> entries = new ArrayList<>();
                long size = 0;
                for (Map.Entry<String, Path> file : all.entrySet()) {
                    files.put(uri + "/" + file.getKey(), file.getValue());
                    long bytes = size(file.getValue());
                    entries.add(new ArtifactManifests.Entry(file.getKey(), ArtifactManifests.sha256(file.getValue()), bytes));
                    size += bytes;
                }
                return new ArtifactRef(URI.create(uri), ArtifactManifests.sha256(ArtifactManifests.write(json, entries)), size,
                        true);
            } catch (IOException e) {
                throw new MlflowException("cannot stage an artifact file: " + e, 0, MlflowException.NO_ANSWER, e, true);
            } finally {
                for (Path temp : temporary) {
                    try {
                        Files.deleteIfExists(temp);
                    } catch (IOException e) {
                        temp.toFile().deleteOnExit();
                    }
                }
            }
        }
        if (!Files.isRegularFile(source)) {
            throw new ValidationException("artifact path", "be a file or a directory", source);
        }
        files.put(uri, source);
        return new ArtifactRef(URI.create(uri), ArtifactManifests.sha256(source), size(source), false);
    }

    /** Downloads what {@link #upload} stored to a target that does not exist yet, after checking its checksum. */
    void download(ArtifactRef ref, Path target) {
        String uri = ref.uri().toString();
        ArtifactFiles files = files(uri);
        ArtifactManifests.createAtomically(target, ref.directory(), temp -> {
            if (!ref.directory()) {
                files.get(uri, temp);
                ArtifactManifests.verify(ref.uri(), ref.sha256(), ArtifactManifests.sha256(temp));
                return;
            }
            List<ArtifactManifests.Entry> entries = new ArrayList<>();
            for (String file : files.list(uri).keySet()) {
                Path out = ArtifactManifests.resolveInside(temp, file);
                Files.createDirectories(out.getParent());
                files.get(uri + "/" + file, out);
                entries.add(new ArtifactManifests.Entry(file, ArtifactManifests.sha256(out), Files.size(out)));
            }
            ArtifactManifests.verify(ref.uri(), ref.sha256(), ArtifactManifests.sha256(ArtifactManifests.write(json, entries)));
        });
    }

    /**
     * Downloads the files of a directory another MLflow client wrote, which carries no checksum: each
     * file must have the size the location lists for it.
     */
    void downloadListed(String uri, Path target) {
        ArtifactFiles files = files(uri);
        SortedMap<String, Long> listed = files.list(uri);
        if (listed.isEmpty()) {
            throw new NotFoundException("artifact directory", uri);
        }
        ArtifactManifests.createAtomically(target, true, temp -> {
            for (Map.Entry<String, Long> file : listed.entrySet()) {
                Path out = ArtifactManifests.resolveInside(temp, ArtifactManifests.checkRelative(file.getKey()));
                Files.createDirectories(out.getParent());
                files.get(uri + "/" + file.getKey(), out);
                if (file.getValue() >= 0 && Files.size(out) != file.getValue()) {
                    throw new MlflowException("artifact " + uri + "/" + file.getKey() + " arrived with " + Files.size(out)
                            + " bytes; the location lists " + file.getValue(), 0, MlflowException.NO_ANSWER, null, true);
                }
            }
        });
    }

    @Override
    public void close() {
        direct.values().forEach(ArtifactFiles::close);
        direct.clear();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ValidationException("artifact path", "be readable", file + ": " + e.getMessage());
        }
    }

    /** The server's artifact proxy, whose listings go one directory level at a time. */
    private static final class Proxy implements ArtifactFiles {
        private final MlflowRest rest;

        Proxy(MlflowRest rest) {
            this.rest = rest;
        }

        /** The proxy path of an {@code mlflow-artifacts:} URI. */
        private static String path(String uri) {
            return uri.substring(SCHEME.length()).replaceFirst("^/+", "");
        }

        @Override
        public void put(String file, Path source) {
            rest.putArtifact(path(file), source);
        }

        @Override
        public SortedMap<String, Long> list(String directory) {
            return list(path(directory), "");
        }

        private SortedMap<String, Long> list(String root, String below) {
            SortedMap<String, Long> files = new TreeMap<>();
            String dir = below.isEmpty() ? root : root + "/" + below;
            for (Map<String, Object> entry : MlflowRest.list(rest.listArtifacts(dir).get("files"))) {
                String name = String.valueOf(entry.get("path"));
                name = name.substring(name.lastIndexOf('/') + 1);
                String relative = below.isEmpty() ? name : below + "/" + name;
                if (Boolean.TRUE.equals(entry.get("is_dir"))) {
                    files.putAll(list(root, relative));
                } else {
                    files.put(ArtifactManifests.checkRelative(relative),
                            entry.get("file_size") == null ? -1 : MlflowRest.number(entry.get("file_size")));
                }
            }
            return files;
        }

        @Override
        public void get(String file, Path target) {
            rest.getArtifact(path(file), target);
        }
    }
}
