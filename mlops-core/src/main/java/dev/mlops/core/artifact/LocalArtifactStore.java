package dev.mlops.core.artifact;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.core.platform.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Artifacts on the local file system, by content: each file is kept once as
 * {@code <root>/sha256/<first two hex digits>/<sha256>}, written to a temporary file while it is
 * hashed, forced to disk and renamed into place. A directory is stored as its files plus a JSON
 * manifest of relative paths and digests. Reading verifies every byte; a file that no longer
 * matches its digest is refused.
 *
 * <pre>{@code
 * LocalArtifactStore store = LocalArtifactStore.at(mlops.home().resolve("artifacts"), mlops.json());
 * ArtifactRef ref = store.put(Path.of("build/model"));
 * store.get(ref, Path.of("/tmp/model-copy"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LocalArtifactStore implements ArtifactStore {
    private static final HexFormat HEX = HexFormat.of();

    private final Path root;
    private final JsonCodec json;

    private LocalArtifactStore(Path root, JsonCodec json) {
        this.root = root;
        this.json = json;
    }

    /**
     * Opens (creating if needed) a store under a directory.
     *
     * @param root the directory
     * @param json the codec for directory manifests
     * @return the store
     */
    public static LocalArtifactStore at(Path root, JsonCodec json) {
        Checks.notNull("artifactStore.root", root);
        Checks.notNull("artifactStore.json", json);
        Path dir = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw ValidationException.withCause("artifactStore.root", "artifactStore.root must be a directory that"
                    + " can be created, was '" + dir + "' (" + e + ")", e);
        }
        return new LocalArtifactStore(dir, json);
    }

    @Override
    public URI root() {
        return root.toUri();
    }

    @Override
    public ArtifactRef put(Path source) {
        Checks.notNull("source", source);
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            return putDirectory(source);
        }
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new ValidationException("source", "be a regular file or a directory", source);
        }
        try (InputStream in = Files.newInputStream(source)) {
            return putStream(in, false);
        } catch (IOException e) {
            throw new MlopsException("cannot store " + source + ": " + e, e, true);
        }
    }

    @Override
    public void get(ArtifactRef ref, Path target) {
        Checks.notNull("ref", ref);
        Checks.notNull("target", target);
        Path blob = blobOf(ref);
        ArtifactManifests.materialize(ref, target, () -> ArtifactManifests.read(json, Files.readAllBytes(blob), ref),
                (sha, out) -> copyVerified(blobPath(sha), sha, out, ref.uri()));
    }

    @Override
    public boolean contains(ArtifactRef ref) {
        Checks.notNull("ref", ref);
        return ref.uri().equals(blobPath(ref.sha256()).toUri()) && Files.isRegularFile(blobPath(ref.sha256()));
    }

    @Override
    public String toString() {
        return "LocalArtifactStore[" + root + "]";
    }

    private ArtifactRef putDirectory(Path dir) {
        List<ArtifactManifests.Entry> entries = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Path> file : ArtifactManifests.files(dir).entrySet()) {
            ArtifactRef stored = put(file.getValue());
            entries.add(new ArtifactManifests.Entry(file.getKey(), stored.sha256(), stored.size()));
            total += stored.size();
        }
        try (InputStream in = new ByteArrayInputStream(ArtifactManifests.write(json, entries))) {
            ArtifactRef stored = putStream(in, true);
            return new ArtifactRef(stored.uri(), stored.sha256(), total, true);
        } catch (IOException e) {
            throw new MlopsException("cannot store the manifest of " + dir + ": " + e, e, true);
        }
    }

    private ArtifactRef putStream(InputStream source, boolean directory) throws IOException {
        Path temp = Files.createTempFile(root.resolve("tmp"), "put", ".part");
        try {
            MessageDigest digest = ArtifactManifests.digest();
            long size;
            try (DigestInputStream in = new DigestInputStream(source, digest);
                    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                size = in.transferTo(out);
                channel.force(true);
            }
            String sha = HEX.formatHex(digest.digest());
            Path blob = blobPath(sha);
            if (!Files.isRegularFile(blob)) {
                Files.createDirectories(blob.getParent());
                move(temp, blob);
            }
            return new ArtifactRef(blob.toUri(), sha, size, directory);
        } finally {
            Files.deleteIfExists(temp);
        }
    }


    private void copyVerified(Path blob, String sha, Path target, URI uri) throws IOException {
        if (!Files.isRegularFile(blob)) {
            throw new NotFoundException("artifact file", sha, "missing from " + root + " (artifact " + uri + ")");
        }
        MessageDigest digest = ArtifactManifests.digest();
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(blob), digest);
                FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(Channels.newOutputStream(channel));
            channel.force(true);
        }
        String actual = HEX.formatHex(digest.digest());
        if (!actual.equals(sha)) {
            Files.deleteIfExists(target);
            ArtifactManifests.verify(uri, sha, actual);
        }
    }

    private Path blobOf(ArtifactRef ref) {
        Path blob = blobPath(ref.sha256());
        if (!ref.uri().equals(blob.toUri())) {
            throw new NotFoundException("artifact", ref.uri().toString(), "it is not in " + root);
        }
        if (!Files.isRegularFile(blob)) {
            throw new NotFoundException("artifact", ref.uri().toString(), "no such file in " + root);
        }
        return blob;
    }

    private Path blobPath(String sha) {
        return root.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
    }




    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(from);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

}
