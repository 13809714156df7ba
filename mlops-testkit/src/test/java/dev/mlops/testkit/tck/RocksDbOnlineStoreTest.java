package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import dev.mlops.core.feature.RocksDbOnlineStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RocksDbOnlineStoreTest extends OnlineStoreTck {

    @Override
    protected OnlineStore createStore(Path dir) {
        return new RocksDbOnlineStore(dir);
    }

    @Test
    void refusesASecondStoreOverTheSameDirectory() {
        assertThatThrownBy(() -> new RocksDbOnlineStore(scratch.resolve("store")))
                .isInstanceOf(MlopsException.class)
                .hasMessageStartingWith("cannot open the online store in " + scratch.resolve("store"));
    }

    @Test
    void refusesKeysOfOtherTypesOnRead() {
        store.write("user_stats@1", List.of(new OnlineRow(List.of(7L), Instant.EPOCH, List.of(1.0))));
        assertThatThrownBy(() -> store.read("user_stats@1", List.of(List.of(7))))
                .isInstanceOf(ValidationException.class)
                .hasMessage("online value must be a String, Long, Double, Boolean, Instant or LocalDate,"
                        + " was '7 (java.lang.Integer)'");
    }
}
