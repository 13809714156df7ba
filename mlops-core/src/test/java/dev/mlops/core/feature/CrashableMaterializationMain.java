package dev.mlops.core.feature;

import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A child JVM that materializes and hangs inside the n-th write to the online store, so that it can be killed there. */
public final class CrashableMaterializationMain {
    private CrashableMaterializationMain() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int hangAt = Integer.parseInt(args[1]);
        RocksDbOnlineStore rocks = new RocksDbOnlineStore(home.resolve("features/online"));
        OnlineStore hanging = new OnlineStore() {
            private int writes;

            @Override
            public long write(String view, List<OnlineRow> rows) {
                if (writes++ == hangAt) {
                    try {
                        Files.writeString(home.resolve("hanging"), "now");
                        Thread.sleep(120_000);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return rocks.write(view, rows);
            }

            @Override
            public List<Optional<OnlineRow>> read(String view, List<List<Object>> keys) {
                return rocks.read(view, keys);
            }

            @Override
            public long delete(String view) {
                return rocks.delete(view);
            }

            @Override
            public void close() {
                rocks.close();
            }
        };
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(home).onlineStore(hanging).build()) {
            mlops.features().materialize(Instant.parse(args[2]), Instant.parse(args[3]));
        }
        System.exit(3);
    }
}
