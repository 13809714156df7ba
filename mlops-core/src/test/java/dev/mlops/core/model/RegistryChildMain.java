package dev.mlops.core.model;

import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM for {@link RegistryConcurrencyTest}: registers {@code count} versions of the model
 * {@code shared} in a home shared with other JVMs ({@code count < 0}: until killed).
 */
public final class RegistryChildMain {
    private RegistryChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String child = args[1];
        int count = Integer.parseInt(args[2]);
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            for (int i = 0; count < 0 || i < count; i++) {
                Path artifact = Files.writeString(Files.createTempFile("artifact", ".bin"), child + "-" + i);
                int version = mlops.registry().createVersion(v -> v.model("shared").artifacts(artifact).by(child)).version();
                Files.delete(artifact);
                System.out.println("created " + version);
            }
        }
    }
}
