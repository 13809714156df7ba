package dev.mlops.mlflow;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.core.artifact.ArtifactManifests;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Files and directories through MLflow's artifact proxy ({@code mlflow-artifacts:/...}), with the
 * checksums the embedded store computes: a file's SHA-256, a directory's that of its manifest (each
 * file's relative path, SHA-256 and size). Downloads are verified before they appear at the target.
 */
final class MlflowArtifacts {
    static final String SCHEME = "mlflow-artifacts:";

    private final MlflowRest rest;
    private final JsonCodec json;

    MlflowArtifacts(MlflowRest rest, JsonCodec json) {
        this.rest = rest;
        this.json = json;
    }

    /** The proxy path of an {@code mlflow-artifacts:} URI. */
    static String proxyPath(String uri) {
        if (!uri.startsWith(SCHEME)) {
            throw new ValidationException("artifact location", "be served by the MLflow artifact proxy"
                    + " (mlflow-artifacts:/...; start the server with --serve-artifacts)", uri);
        }
        return uri.substring(SCHEME.length()).replaceFirst("^/+", "");
    }

    /** Uploads a file or a directory's files to {@code uri}. */
    ArtifactRef upload(String uri, Path source) {
        return upload(uri, source, Map.of());
    }

    /**
     * Uploads a file, or a directory's files together with extra files that are part of the directory
     * artifact from then on (its manifest and checksum include them).
     */
    ArtifactRef upload(String uri, Path source, Map<String, byte[]> extra) {
        String path = proxyPath(uri);
        if (Files.isDirectory(source)) {
            Map<String, Path> files = new TreeMap<>(ArtifactManifests.files(source));
            List<Path> temporary = new ArrayList<>();
            try {
                for (Map.Entry<String, byte[]> file : extra.entrySet()) {
                    Path temp = Files.createTempFile("mlops-mlflow-", ".part");
                    temporary.add(temp);
                    files.put(ArtifactManifests.checkRelative(file.getKey()), Files.write(temp, file.getValue()));
                }
                List<ArtifactManifests.Entry> entries = new ArrayList<>();
                long size = 0;
                for (Map.Entry<String, Path> file : files.entrySet()) {
                    rest.putArtifact(path + "/" + file.getKey(), file.getValue());
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
        rest.putArtifact(path, source);
        return new ArtifactRef(URI.create(uri), ArtifactManifests.sha256(source), size(source), false);
    }

    /** Downloads what {@link #upload} stored to a target that does not exist yet, after checking its checksum. */
    void download(ArtifactRef ref, Path target) {
        String path = proxyPath(ref.uri().toString());
        ArtifactManifests.createAtomically(target, ref.directory(), temp -> {
            if (!ref.directory()) {
                rest.getArtifact(path, temp);
                ArtifactManifests.verify(ref.uri(), ref.sha256(), ArtifactManifests.sha256(temp));
                return;
            }
            List<ArtifactManifests.Entry> entries = new ArrayList<>();
            for (String file : list(path, "").keySet()) {
                Path out = ArtifactManifests.resolveInside(temp, file);
                Files.createDirectories(out.getParent());
                rest.getArtifact(path + "/" + file, out);
                entries.add(new ArtifactManifests.Entry(file, ArtifactManifests.sha256(out), Files.size(out)));
            }
            ArtifactManifests.verify(ref.uri(), ref.sha256(), ArtifactManifests.sha256(ArtifactManifests.write(json, entries)));
        });
    }

    /**
     * Downloads the files of a directory another MLflow client wrote, which carries no checksum: each
     * file must have the size the server lists for it.
     */
    void downloadListed(String uri, Path target) {
        String path = proxyPath(uri);
        Map<String, Long> files = list(path, "");
        if (files.isEmpty()) {
            throw new NotFoundException("artifact directory", uri);
        }
        ArtifactManifests.createAtomically(target, true, temp -> {
            for (Map.Entry<String, Long> file : files.entrySet()) {
                Path out = ArtifactManifests.resolveInside(temp, file.getKey());
                Files.createDirectories(out.getParent());
                rest.getArtifact(path + "/" + file.getKey(), out);
                if (file.getValue() >= 0 && Files.size(out) != file.getValue()) {
                    throw new MlflowException("artifact " + uri + "/" + file.getKey() + " arrived with " + Files.size(out)
                            + " bytes; the server lists " + file.getValue(), 0, MlflowException.NO_ANSWER, null, true);
                }
            }
        });
    }

    /** The files below a proxy directory, by path relative to {@code root}, sorted, with their listed sizes (-1 if none). */
    private Map<String, Long> list(String root, String below) {
        Map<String, Long> files = new TreeMap<>();
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

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ValidationException("artifact path", "be readable", file + ": " + e.getMessage());
        }
    }
}
