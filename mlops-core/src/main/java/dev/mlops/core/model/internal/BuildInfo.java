package dev.mlops.core.model.internal;

import dev.mlops.api.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/** The SDK version, and the git commit of a working directory when it is a git checkout. */
public final class BuildInfo {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final String SDK_VERSION = readSdkVersion();

    private BuildInfo() {
    }

    public static String sdkVersion() {
        return SDK_VERSION;
    }

    public static String javaVersion() {
        return System.getProperty("java.version");
    }

    /** The commit checked out in the git repository holding {@code start}, read from {@code .git}. */
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
