package dev.mlops.core.artifact;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every {@link dev.mlops.api.artifact.ArtifactStore} shares: the directory manifest (relative
 * paths with their SHA-256 and size, as JSON), the checks that keep manifest paths inside their
 * target (no absolute paths, no {@code ..}, no links), and SHA-256 helpers.
 *
 * <pre>{@code
 * for (ArtifactManifests.Entry e : ArtifactManifests.read(json, manifestBytes, ref)) {
 *     Path out = ArtifactManifests.resolveInside(target, e.path());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ArtifactManifests {
    /** The format tag written into every manifest. */
    public static final String FORMAT = "mlops-artifact-manifest-v1";
    /** The most files one directory artifact may hold. */
    public static final int MAX_FILES = 1_000_000;

    private static final HexFormat HEX = HexFormat.of();

    private ArtifactManifests() {
    }

    /**
     * One file of a directory artifact.
     *
     * @param path the relative path, '/'-separated
     * @param sha256 the file's digest
     * @param size the file's size
     */
    public record Entry(String path, String sha256, long size) {
    }

    /**
     * The regular files below a directory, by relative path, sorted.
     *
     * @param dir the directory
     * @return relative path and file, for every regular file
     * @throws ValidationException if the directory holds a symbolic link or a name unsafe as a relative path
     */
    public static Map<String, Path> files(Path dir) {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.filter(p -> !p.equals(dir)).toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list " + dir + ": " + e, e, true);
        }
        if (all.size() > MAX_FILES) {
            throw new ValidationException("source", "hold at most " + MAX_FILES + " files", all.size());
        }
        Map<String, Path> files = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparing(p -> relative(dir, p))).forEach(file -> {
            if (Files.isSymbolicLink(file)) {
                throw new ValidationException("source " + dir, "hold no symbolic links", relative(dir, file));
            }
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                files.put(checkRelative(relative(dir, file)), file);
            }
        });
        return files;
    }

    /**
     * Writes a manifest.
     *
     * @param json the codec
     * @param entries the files
     * @return the manifest's bytes
     */
    public static byte[] write(JsonCodec json, List<Entry> entries) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", e.path());
            file.put("sha256", e.sha256());
            file.put("size", e.size());
            files.add(file);
        }
        return json.write(Map.of("format", FORMAT, "files", files));
    }

    /**
     * Reads a manifest after checking its digest against the reference.
     *
     * @param json the codec
     * @param bytes the manifest's bytes as stored
     * @param ref the directory artifact's reference
     * @return the files
     * @throws ValidationException if the bytes do not match the reference or are not a manifest
     */
    public static List<Entry> read(JsonCodec json, byte[] bytes, ArtifactRef ref) {
        verify(ref.uri(), ref.sha256(), sha256(bytes));
        Map<?, ?> manifest = json.read(bytes, Map.class);
        if (!FORMAT.equals(manifest.get("format")) || !(manifest.get("files") instanceof List)) {
            throw new ValidationException("artifact " + ref.uri(), "be a directory manifest", manifest.get("format"));
        }
        List<Entry> entries = new ArrayList<>();
        for (Object item : (List<?>) manifest.get("files")) {
            Map<?, ?> file = (Map<?, ?>) item;
            String sha = String.valueOf(file.get("sha256"));
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new ValidationException("artifact " + ref.uri() + " manifest digest", "be 64 hex digits", sha);
            }
            entries.add(new Entry(checkRelative(String.valueOf(file.get("path"))), sha,
                    ((Number) file.get("size")).longValue()));
        }
        return entries;
    }

    /** Writes one stored file, by digest, to a path, verifying it. */
    @FunctionalInterface
    public interface BlobWriter {
        /**
         * Writes the file.
         *
         * @param sha256 the file's digest
         * @param out where to write it
         * @throws IOException if the disk or the store fails
         */
        void write(String sha256, Path out) throws IOException;
    }

    /** Reads a directory artifact's manifest. */
    @FunctionalInterface
    public interface ManifestReader {
        /**
         * Reads it.
         *
         * @return the files
         * @throws IOException if the store fails
         */
        List<Entry> read() throws IOException;
    }

    /**
     * Writes an artifact to a target that does not exist yet: a file, or a directory of the
     * manifest's files. Everything goes to a temporary sibling first and is renamed into place only
     * once every file is written and verified; on failure nothing is left behind.
     *
     * @param ref the artifact
     * @param target the file or directory to create
     * @param manifest reads the manifest, for directory artifacts
     * @param blobs writes one file by digest, verifying it
     */
    public static void materialize(ArtifactRef ref, Path target, ManifestReader manifest, BlobWriter blobs) {
        createAtomically(target, ref.directory(), temp -> {
            if (ref.directory()) {
                for (Entry entry : manifest.read()) {
                    Path out = resolveInside(temp, entry.path());
                    Files.createDirectories(out.getParent());
                    blobs.write(entry.sha256(), out);
                }
            } else {
                blobs.write(ref.sha256(), temp);
            }
        });
    }

    /** Fills a temporary file or directory. */
    @FunctionalInterface
    public interface Filler {
        /**
         * Writes the content.
         *
         * @param temp the temporary file or (empty) directory
         * @throws IOException if writing fails
         */
        void fill(Path temp) throws IOException;
    }

    /**
     * Creates a file or directory that does not exist yet, all at once: the content is written to
     * a temporary sibling, which is renamed into place only when complete; on failure nothing is left.
     *
     * @param target the file or directory to create
     * @param directory whether to create a directory
     * @param filler writes the content
     */
    public static void createAtomically(Path target, boolean directory, Filler filler) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ValidationException("target", "not exist yet", target);
        }
        Path temp = null;
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            temp = directory ? Files.createTempDirectory(parent, "." + target.getFileName() + ".part")
                    : Files.createTempFile(parent, "." + target.getFileName(), ".part");
            filler.fill(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            temp = null;
        } catch (IOException e) {
            throw new MlopsException("cannot write " + target + ": " + e, e, true);
        } finally {
            if (temp != null) {
                deleteRecursively(temp);
            }
        }
    }

    /**
     * Resolves a manifest path under a directory, refusing anything that would land outside it.
     *
     * @param root the directory being filled
     * @param relative a manifest path
     * @return the file to write
     */
    public static Path resolveInside(Path root, String relative) {
        Path out = root.resolve(checkRelative(relative)).normalize();
        if (!out.startsWith(root.normalize())) {
            throw new ValidationException("artifact path", "stay inside the target", relative);
        }
        return out;
    }

    /**
     * Checks a manifest path: relative, '/'-separated, with no empty, {@code .} or {@code ..} segment.
     *
     * @param path the path
     * @return {@code path}
     */
    public static String checkRelative(String path) {
        Checks.text("artifact path", path, 4096);
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            throw new ValidationException("artifact path", "be a relative path with '/' separators", path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ValidationException("artifact path", "not contain empty, '.' or '..' segments", path);
            }
        }
        return path;
    }

    /**
     * The SHA-256 of a file.
     *
     * @param file the file
     * @return 64 hex digits
     */
    public static String sha256(Path file) {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + ": " + e, e, true);
        }
        return HEX.formatHex(digest.digest());
    }

    /**
     * The SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes) {
        return HEX.formatHex(digest().digest(bytes));
    }

    /**
     * A fresh SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Refuses bytes whose digest is not the recorded one.
     *
     * @param uri the artifact, for the message
     * @param expected the recorded digest
     * @param actual the digest of the bytes read
     * @throws ValidationException if they differ
     */
    public static void verify(URI uri, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new ValidationException("artifact " + uri, "hash to its recorded sha256 " + expected
                    + " (the stored bytes are corrupt or were changed)", actual);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the failure that got us here is the one to report
        }
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
