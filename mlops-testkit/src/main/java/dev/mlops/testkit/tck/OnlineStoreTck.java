package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlops.api.ValidationException;
import dev.mlops.api.feature.OnlineRow;
import dev.mlops.api.feature.OnlineStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link OnlineStore}: every value and key type comes back as written, a row never
 * replaces a newer one, batch reads keep their order, view versions are kept apart, deletes remove
 * one view version only, and (for persistent stores) rows survive a restart. Extend it for each
 * implementation.
 *
 * <pre>{@code
 * class RedisOnlineStoreTest extends OnlineStoreTck {
 *     protected OnlineStore createStore(Path scratch) { return new RedisOnlineStore(redis.uri(), "tck"); }
 *     protected boolean persistent() { return true; }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class OnlineStoreTck {
    private static final String VIEW = "user_stats@1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T01:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T02:00:00Z");
    private static final String UNSUPPORTED = " must be a String, Long, Double, Boolean, Instant or LocalDate, was ";

    /** A fresh directory for each test; stores may keep their files in it. */
    @TempDir
    protected Path scratch;

    /** The store under test, made fresh for each test. */
    protected OnlineStore store;

    /** Creates the TCK; subclasses are run by JUnit. */
    protected OnlineStoreTck() {
    }

    /**
     * Creates the store under test. Called once per test with a fresh directory, and again with the
     * same directory by {@link #reopen}.
     *
     * @param scratch a directory the store may use
     * @return the store
     * @throws Exception if it cannot be made
     */
    protected abstract OnlineStore createStore(Path scratch) throws Exception;

    /**
     * Tells whether rows survive closing the store and opening it again; the restart test is skipped
     * for stores that keep rows in memory only.
     *
     * @return {@code true} by default
     */
    protected boolean persistent() {
        return true;
    }

    /**
     * Closes a store and opens it again over the same data, as a process restart would.
     *
     * @param store the open store
     * @param scratch the directory it was created with
     * @return the reopened store
     * @throws Exception if it cannot be reopened
     */
    protected OnlineStore reopen(OnlineStore store, Path scratch) throws Exception {
        store.close();
        return createStore(scratch);
    }

    @BeforeEach
    void openStore() throws Exception {
        store = createStore(scratch.resolve("store"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static OnlineRow row(Instant at, Object key, Object... values) {
        return new OnlineRow(List.of(key), at, Arrays.asList(values));
    }

    private Optional<OnlineRow> read(String view, Object... key) {
        List<Optional<OnlineRow>> rows = store.read(view, List.of(List.of(key)));
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    void givesBackEveryValueTypeAsWritten() {
        Instant micros = Instant.parse("2026-01-01T10:00:00.123456Z");
        OnlineRow written = new OnlineRow(List.of("u1"), Instant.parse("2026-01-01T00:00:00.000001Z"), Arrays.asList(
                "Zürich ✓", "", 120L, -1L, 4.5, -0.0, true, false, micros, LocalDate.of(2026, 2, 28), null));
        assertThat(store.write(VIEW, List.of(written))).isEqualTo(1);
        OnlineRow back = read(VIEW, "u1").orElseThrow();
        assertThat(back).isEqualTo(written);
        assertThat(back.values().get(8)).isInstanceOf(Instant.class).isEqualTo(micros);
        assertThat(back.values().get(10)).isNull();
        assertThat(back.eventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00.000001Z"));
    }

    @Test
    void keepsRowsOfAllNullValues() {
        OnlineRow written = row(T0, "u1", null, null);
        store.write(VIEW, List.of(written));
        assertThat(read(VIEW, "u1")).contains(written);
    }

    @Test
    void findsRowsByStringLongAndCompositeKeys() {
        OnlineRow byString = row(T0, "u1", 1.0);
        OnlineRow byLong = row(T0, 42L, 2.0);
        OnlineRow composite = new OnlineRow(List.of("u1", 7L), T0, List.of(3.0));
        store.write("by_string@1", List.of(byString));
        store.write("by_long@1", List.of(byLong));
        store.write("by_pair@1", List.of(composite));

        assertThat(read("by_string@1", "u1")).contains(byString);
        assertThat(read("by_long@1", 42L)).contains(byLong);
        assertThat(read("by_pair@1", "u1", 7L)).contains(composite);
        assertThat(read("by_string@1", "u2")).isEmpty();
        assertThat(read("by_long@1", 43L)).isEmpty();
        assertThat(read("by_pair@1", "u1", 8L)).isEmpty();
    }

    @Test
    void keepsCompositeKeysWhoseConcatenationsCollideApart() {
        OnlineRow ab = new OnlineRow(List.of("ab", "c"), T0, List.of(1.0));
        OnlineRow a = new OnlineRow(List.of("a", "bc"), T0, List.of(2.0));
        assertThat(store.write(VIEW, List.of(ab, a))).isEqualTo(2);
        assertThat(read(VIEW, "ab", "c")).contains(ab);
        assertThat(read(VIEW, "a", "bc")).contains(a);
    }

    @Test
    void aNewerRowReplacesAnOlderOneIsIgnoredAndAnEqualEventTimeReplaces() {
        assertThat(store.write(VIEW, List.of(row(T1, "u1", 1.0)))).isEqualTo(1);
        assertThat(store.write(VIEW, List.of(row(T2, "u1", 2.0)))).isEqualTo(1);
        assertThat(read(VIEW, "u1")).contains(row(T2, "u1", 2.0));

        store.write(VIEW, List.of(row(T0, "u1", 0.5)));
        assertThat(read(VIEW, "u1")).contains(row(T2, "u1", 2.0));

        assertThat(store.write(VIEW, List.of(row(T2, "u1", 2.5)))).isEqualTo(1);
        assertThat(read(VIEW, "u1")).contains(row(T2, "u1", 2.5));
    }

    @Test
    void aMixedWriteKeepsTheNewerStoredRowAndAddsTheNewKey() {
        store.write(VIEW, List.of(row(T1, "u1", 1.0)));
        store.write(VIEW, List.of(row(T0, "u1", 0.0), row(T0, "u2", 2.0)));
        assertThat(read(VIEW, "u1")).contains(row(T1, "u1", 1.0));
        assertThat(read(VIEW, "u2")).contains(row(T0, "u2", 2.0));
    }

    @Test
    void ofSeveralRowsOfOneKeyInOneWriteTheLatestWins() {
        store.write(VIEW, List.of(row(T1, "u1", 1.0), row(T2, "u1", 2.0), row(T0, "u1", 0.0)));
        assertThat(read(VIEW, "u1")).contains(row(T2, "u1", 2.0));
    }

    @Test
    void writesAndReadsOfNoRowsAreNoOps() {
        assertThat(store.write(VIEW, List.of())).isZero();
        assertThat(store.read(VIEW, List.of())).isEmpty();
        assertThat(store.delete(VIEW)).isZero();
    }

    @Test
    void givesNothingForKeysAndViewsItDoesNotHold() {
        store.write(VIEW, List.of(row(T0, "u1", 1.0)));
        assertThat(read(VIEW, "u2")).isEmpty();
        assertThat(read("other_view@1", "u1")).isEmpty();
    }

    @Test
    void aBatchReadKeepsTheOrderOfItsKeysWithGapsForMissingOnes() {
        OnlineRow u1 = row(T0, "u1", 1.0);
        OnlineRow u3 = row(T0, "u3", 3.0);
        store.write(VIEW, List.of(u1, u3));
        List<Optional<OnlineRow>> rows = store.read(VIEW,
                List.of(List.of("u3"), List.of("u2"), List.of("u1"), List.of("u9"), List.of("u3")));
        assertThat(rows).containsExactly(Optional.of(u3), Optional.empty(), Optional.of(u1), Optional.empty(),
                Optional.of(u3));
    }

    @Test
    void keepsViewVersionsApart() {
        store.write("user_stats@1", List.of(row(T0, "u1", 1.0)));
        store.write("user_stats@2", List.of(row(T0, "u1", "a string now")));
        store.write("user_stats@10", List.of(row(T0, "u1", 10L)));
        assertThat(read("user_stats@1", "u1")).contains(row(T0, "u1", 1.0));
        assertThat(read("user_stats@2", "u1")).contains(row(T0, "u1", "a string now"));
        assertThat(read("user_stats@10", "u1")).contains(row(T0, "u1", 10L));
        assertThat(read("user_stats@3", "u1")).isEmpty();
    }

    @Test
    void deletesOneViewVersionAndCountsItsRows() {
        store.write("user_stats@1", List.of(row(T1, "u1", 1.0), row(T1, "u2", 2.0), row(T1, "u3", 3.0)));
        store.write("user_stats@2", List.of(row(T1, "u1", 4.0)));
        store.write("user_stats@10", List.of(row(T1, "u1", 5.0)));
        store.write("user_stats", List.of(row(T1, "u1", 6.0)));

        assertThat(store.delete("user_stats@1")).isEqualTo(3);
        assertThat(store.read("user_stats@1", List.of(List.of("u1"), List.of("u2"), List.of("u3"))))
                .containsOnly(Optional.empty());
        assertThat(read("user_stats@2", "u1")).contains(row(T1, "u1", 4.0));
        assertThat(read("user_stats@10", "u1")).contains(row(T1, "u1", 5.0));
        assertThat(read("user_stats", "u1")).contains(row(T1, "u1", 6.0));
        assertThat(store.delete("user_stats@1")).isZero();
        assertThat(store.delete("never_written@1")).isZero();

        assertThat(store.write("user_stats@1", List.of(row(T0, "u1", 0.5)))).isEqualTo(1);
        assertThat(read("user_stats@1", "u1")).contains(row(T0, "u1", 0.5));
    }

    @Test
    void rowsSurviveAReopen() throws Exception {
        assumeTrue(persistent(), "the store keeps rows in memory only");
        OnlineRow u1 = new OnlineRow(List.of("u1", 7L), T1, Arrays.asList(4.5, null, LocalDate.of(2026, 1, 1)));
        store.write(VIEW, List.of(u1));
        store.write("user_stats@2", List.of(row(T1, "u2", 1L)));
        store.delete("user_stats@2");

        store = reopen(store, scratch.resolve("store"));
        assertThat(read(VIEW, "u1", 7L)).contains(u1);
        assertThat(read("user_stats@2", "u2")).isEmpty();
        store.write(VIEW, List.of(new OnlineRow(List.of("u1", 7L), T0, List.of(0.0))));
        assertThat(read(VIEW, "u1", 7L)).contains(u1);
    }

    @Test
    void onlineRowsRefuseValuesOfOtherTypes() {
        assertThatThrownBy(() -> row(T0, "u1", 7))
                .isInstanceOf(ValidationException.class)
                .hasMessage("online row value" + UNSUPPORTED + "'7 (java.lang.Integer)'");
        assertThatThrownBy(() -> row(T0, "u1", 1.0, new BigDecimal("4.50")))
                .isInstanceOf(ValidationException.class)
                .hasMessage("online row value" + UNSUPPORTED + "'4.50 (java.math.BigDecimal)'");
        assertThatThrownBy(() -> row(T0, 7, 1.0))
                .isInstanceOf(ValidationException.class)
                .hasMessage("online row key" + UNSUPPORTED + "'7 (java.lang.Integer)'");
        assertThatThrownBy(() -> new OnlineRow(List.of(), T0, List.of(1.0)))
                .isInstanceOf(ValidationException.class)
                .hasMessage("online row keys must hold at least one join-key value, was '[]'");
    }
}
