package dev.mlops.core.model;

import dev.mlops.api.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What a model version's lineage records about the code that registered it: the SDK version, the
 * Java version, and the git commit of a working directory when it is a git checkout. Registries
 * outside the core (mlops-mlflow) record the same.
 *
 * <pre>{@code
 * Lineage lineage = spec.lineage(BuildInfo.sdkVersion(), BuildInfo.javaVersion(), BuildInfo.gitCommit(Path.of("")));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class BuildInfo {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final String SDK_VERSION = readSdkVersion();

    private BuildInfo() {
    }

    /**
     * The SDK's version, from the core's {@code version.properties}.
     *
     * @return e.g. {@code 0.1.0}; {@code unknown} when the file is missing
     */
    public static String sdkVersion() {
        return SDK_VERSION;
    }

    /**
     * The running Java version.
     *
     * @return the {@code java.version} system property
     */
    public static String javaVersion() {
        return System.getProperty("java.version");
    }

    /**
     * The commit checked out in the git repository holding a directory, read from {@code .git}.
     *
     * @param start a directory in the checkout
     * @return the 40-digit commit, or {@code null} outside a git checkout
     */
    public static @Nullable String gitCommit(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path git = dir.resolve(".git");
            if (Files.isDirectory(git)) {
                return commitOf(git);
            }
        }
        return null;
    }

    private static @Nullable String commitOf(Path git) {
        try {
            String head = Files.readString(git.resolve("HEAD"), StandardCharsets.UTF_8).trim();
            if (SHA.matcher(head).matches()) {
                return head;
            }
            if (!head.startsWith("ref: ")) {
                return null;
            }
            String ref = head.substring(5);
            Path loose = git.resolve(ref);
            if (Files.isRegularFile(loose)) {
                String sha = Files.readString(loose, StandardCharsets.UTF_8).trim();
                return SHA.matcher(sha).matches() ? sha : null;
            }
            Path packed = git.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    if (line.endsWith(" " + ref) && SHA.matcher(line.substring(0, 40)).matches()) {
                        return line.substring(0, 40);
                    }
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readSdkVersion() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/mlops/core/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
