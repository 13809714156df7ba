package dev.mlops.core.artifact;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Zip archives of model directories, written and extracted safely: extraction refuses entries that
 * would land outside the target (absolute paths, {@code ..}, backslashes, drive letters — "zip
 * slip"), stops at a limit on entries and on uncompressed bytes ("zip bombs"), and makes the target
 * appear only once everything is out.
 *
 * <pre>{@code
 * Archives.zip(Path.of("build/model"), Path.of("model.zip"));
 * Archives.unzip(Path.of("downloaded.zip"), Path.of("/tmp/model"), 2L << 30);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Archives {
    /** The most entries an archive may have. */
    public static final int MAX_ENTRIES = 100_000;

    private Archives() {
    }

    /**
     * Packs every regular file below a directory into a zip file.
     *
     * @param dir the directory
     * @param zip the archive to create; must not exist
     */
    public static void zip(Path dir, Path zip) {
        Checks.notNull("dir", dir);
        Checks.notNull("zip", zip);
        if (Files.exists(zip, LinkOption.NOFOLLOW_LINKS)) {
            throw new ValidationException("zip", "not exist yet", zip);
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, Path> file : ArtifactManifests.files(dir).entrySet()) {
                out.putNextEntry(new ZipEntry(file.getKey()));
                Files.copy(file.getValue(), out);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new MlopsException("cannot write " + zip + ": " + e, e, true);
        }
    }

    /**
     * Extracts a zip file into a new directory.
     *
     * @param zip the archive
     * @param target the directory to create; must not exist
     * @param maxBytes the most uncompressed bytes allowed in all
     * @throws ValidationException naming the entry if it would escape the target, or if the archive
     *     exceeds the entry or byte limit; nothing is left behind then
     */
    public static void unzip(Path zip, Path target, long maxBytes) {
        Checks.notNull("zip", zip);
        Checks.notNull("target", target);
        if (maxBytes <= 0) {
            throw new ValidationException("maxBytes", "be positive", maxBytes);
        }
        ArtifactManifests.createAtomically(target, true, temp -> {
            long total = 0;
            int entries = 0;
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (++entries > MAX_ENTRIES) {
                        throw new ValidationException("zip " + zip, "have at most " + MAX_ENTRIES + " entries", entries);
                    }
                    String name = entry.getName();
                    if (entry.isDirectory()) {
                        Files.createDirectories(ArtifactManifests.resolveInside(temp, strip(name)));
                        continue;
                    }
                    Path out = ArtifactManifests.resolveInside(temp, name);
                    Files.createDirectories(out.getParent());
                    total += copyLimited(in, out, maxBytes - total, zip);
                }
            }
        });
    }

    private static String strip(String directory) {
        return directory.endsWith("/") ? directory.substring(0, directory.length() - 1) : directory;
    }

    private static long copyLimited(InputStream in, Path out, long left, Path zip) throws IOException {
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream file = Files.newOutputStream(out)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                written += n;
                if (written > left) {
                    throw new ValidationException("zip " + zip, "expand to at most the allowed bytes", "more");
                }
                file.write(buffer, 0, n);
            }
        }
        return written;
    }
}
