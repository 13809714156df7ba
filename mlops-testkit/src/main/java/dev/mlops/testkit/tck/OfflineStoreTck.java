package dev.mlops.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStatistics;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.api.feature.OfflineStore.ViewQuery;
import dev.mlops.api.feature.OnlineRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link OfflineStore}: point-in-time joins (the latest row at or before each entity
 * row, within the view's TTL, ties broken by created time), entity rows kept in order, retrieval
 * without entity rows, the latest row per key in chunks, statistics, and pushed rows. Each test
 * writes its CSV sources into the scratch directory. Extend it for each implementation.
 *
 * <pre>{@code
 * class JdbcOfflineStoreTest extends OfflineStoreTck {
 *     protected OfflineStore createStore(Path scratch) { return new JdbcOfflineStore(dataSource, scratch.resolve("push")); }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class OfflineStoreTck {
    private static final Column USER_ID = Column.of("user_id", ColumnType.STRING);
    private static final List<Column> USER = List.of(USER_ID);
    private static final Schema ENTITY_ROWS = Schema.of(USER_ID, Column.of("event_ts", ColumnType.TIMESTAMP),
            Column.of("label", ColumnType.LONG));
    /** What {@code latestFixture()} must stream for [2026-01-01, 2026-01-03), in key order. */
    private static final List<OnlineRow> LATEST = List.of(
            new OnlineRow(List.of("u1"), Instant.parse("2026-01-02T00:00:00Z"), Arrays.asList(1.5, null)),
            new OnlineRow(List.of("u2"), Instant.parse("2026-01-02T23:59:59Z"), List.of(2.0, "comedy")),
            new OnlineRow(List.of("u3"), Instant.parse("2026-01-01T00:00:00Z"), List.of(3.0, "drama")),
            new OnlineRow(List.of("u5"), Instant.parse("2026-01-01T00:00:00Z"), List.of(5.0, "drama")));

    /** A fresh directory for each test; stores may keep their files in it, sources are written under it. */
    @TempDir
    protected Path scratch;

    /** The store under test, made fresh for each test. */
    protected OfflineStore store;

    /** Creates the TCK; subclasses are run by JUnit. */
    protected OfflineStoreTck() {
    }

    /**
     * Creates the store under test.
     *
     * @param scratch a fresh directory the store may use, e.g. for the rows appended to push sources
     * @return the store
     * @throws Exception if it cannot be made
     */
    protected abstract OfflineStore createStore(Path scratch) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore(scratch.resolve("store"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Instant t(String text) {
        return Instant.parse(text);
    }

    private Path csv(String name, String... lines) throws IOException {
        Path file = scratch.resolve("data").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /** A view of one DOUBLE feature {@code avg_rating} of users. */
    private static FeatureView userStats(FeatureSource source, Duration ttl) {
        return FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE).ttl(ttl)
                .source(source).build();
    }

    private static Table entityRows(Object[]... rows) {
        Table.Builder table = Table.builder(ENTITY_ROWS);
        for (int i = 0; i < rows.length; i++) {
            table.addRow(rows[i][0], t((String) rows[i][1]), (long) i);
        }
        return table.build();
    }

    private static Object[] at(String user, String time) {
        return new Object[] {user, time};
    }

    /** One entity row and the values it must get ({@code null}: none). */
    private record Case(String why, String user, String at, Double avgRating, Long clicks) {
    }

    private static List<String> check(List<Case> cases, Table result, boolean withClicks) {
        List<String> failures = new ArrayList<>();
        assertThat(result.rowCount()).isEqualTo(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            List<Object> expected = new ArrayList<>(Arrays.asList(c.user(), t(c.at()), (long) i, c.avgRating()));
            if (withClicks) {
                expected.add(c.clicks());
            }
            if (!result.row(i).equals(expected)) {
                failures.add(c.why() + ": expected " + expected + " but got " + result.row(i));
            }
        }
        return failures;
    }

    private static Table rowsOf(List<Case> cases) {
        Table.Builder table = Table.builder(ENTITY_ROWS);
        for (int i = 0; i < cases.size(); i++) {
            table.addRow(cases.get(i).user(), t(cases.get(i).at()), (long) i);
        }
        return table.build();
    }

    private FeatureView statsWithCreatedTime() throws IOException {
        Path stats = csv("user_stats.csv",
                "user_id,avg_rating,event_ts,created_ts",
                "u1,1.0,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z",
                "u1,2.0,2026-01-01T12:00:00Z,2026-01-01T12:00:00Z",
                "u1,2.5,2026-01-01T12:00:00Z,2026-01-01T13:00:00Z",
                "u1,1.5,2026-01-01T12:00:00Z,2026-01-01T12:30:00Z",
                "u2,5.0,2026-01-02T00:00:00Z,2026-01-02T00:00:00Z",
                "u3,3.0,2026-01-01T06:00:00Z,2026-01-03T00:00:00Z");
        return userStats(FeatureSource.csv(stats, "event_ts").withCreatedColumn("created_ts"), Duration.ofDays(1));
    }

    @Test
    void joinsTheLatestRowAtOrBeforeEachEntityRowWithinTheTtl() throws IOException {
        FeatureView stats = statsWithCreatedTime();
        List<Case> cases = List.of(
                new Case("exactly at a feature row's time: included", "u1", "2026-01-01T00:00:00Z", 1.0, null),
                new Case("a row after t is not used", "u1", "2026-01-01T11:59:59Z", 1.0, null),
                new Case("equal event times: the row created last", "u1", "2026-01-01T12:00:00Z", 2.5, null),
                new Case("exactly at t - ttl: expired", "u1", "2026-01-02T12:00:00Z", null, null),
                new Case("just after t - ttl: included", "u1", "2026-01-02T11:59:59.999999Z", 2.5, null),
                new Case("before any feature row of the key", "u2", "2026-01-01T23:59:59Z", null, null),
                new Case("a key without feature rows", "u9", "2026-01-05T00:00:00Z", null, null),
                new Case("a row created late counts by its event time", "u3", "2026-01-01T07:00:00Z", 3.0, null),
                new Case("the same key later", "u2", "2026-01-02T00:00:01Z", 5.0, null));

        Table result = store.historical(rowsOf(cases), "event_ts", List.of(ViewQuery.allFields(stats, USER)));

        assertThat(result.schema().columns()).containsExactly(USER_ID, Column.of("event_ts", ColumnType.TIMESTAMP),
                Column.of("label", ColumnType.LONG), Column.of("user_stats__avg_rating", ColumnType.DOUBLE));
        assertThat(check(cases, result, false)).isEmpty();
    }

    @Test
    void joinsSeveralViewsEachWithItsOwnTtl() throws IOException {
        FeatureView stats = statsWithCreatedTime();
        Path clicksFile = csv("user_clicks.csv", "user_id,clicks,ts", "u1,7,2026-01-01T11:30:00Z");
        FeatureView clicks = FeatureView.builder("user_clicks").entities("user").field("clicks", ColumnType.LONG)
                .ttl(Duration.ofHours(1)).source(FeatureSource.csv(clicksFile, "ts")).build();
        List<Case> cases = List.of(
                new Case("both fresh", "u1", "2026-01-01T12:00:00Z", 2.5, 7L),
                new Case("clicks just inside their hour", "u1", "2026-01-01T12:29:59Z", 2.5, 7L),
                new Case("clicks exactly an hour old: expired", "u1", "2026-01-01T12:30:00Z", 2.5, null),
                new Case("clicks not yet there", "u1", "2026-01-01T11:29:59Z", 1.0, null),
                new Case("no clicks for the key", "u2", "2026-01-02T00:00:00Z", 5.0, null));

        Table result = store.historical(rowsOf(cases), "event_ts",
                List.of(ViewQuery.allFields(stats, USER), ViewQuery.allFields(clicks, USER)));

        assertThat(result.schema().columns()).extracting(Column::name)
                .containsExactly("user_id", "event_ts", "label", "user_stats__avg_rating", "user_clicks__clicks");
        assertThat(result.schema().column("user_clicks__clicks").type()).isEqualTo(ColumnType.LONG);
        assertThat(check(cases, result, true)).isEmpty();
    }

    @Test
    void keepsTheOrderOfEntityRowsAndRepeatedRows() throws IOException {
        Path file = csv("s.csv", "user_id,avg_rating,event_ts",
                "u1,1.0,2026-01-01T00:00:00Z", "u2,2.0,2026-01-01T00:00:00Z", "u1,3.0,2026-01-02T00:00:00Z");
        FeatureView stats = userStats(FeatureSource.csv(file, "event_ts"), Duration.ofDays(10));
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String user = i % 3 == 0 ? "u2" : "u1";
            Instant at = t("2026-01-03T00:00:00Z").minus(Duration.ofHours(i));
            Double expected = user.equals("u2") ? 2.0 : at.isBefore(t("2026-01-02T00:00:00Z")) ? 1.0 : 3.0;
            cases.add(new Case("row " + i, user, at.toString(), expected, null));
        }
        cases.add(new Case("a repeated row", "u1", "2026-01-03T00:00:00Z", 3.0, null));

        Table result = store.historical(rowsOf(cases), "event_ts", List.of(ViewQuery.allFields(stats, USER)));

        assertThat(check(cases, result, false)).isEmpty();
    }

    @Test
    void joinsOnCompositeKeysOfSeveralTypes() throws IOException {
        Path file = csv("ratings.csv", "user_id,movie_id,stars,event_ts",
                "u1,10,4.0,2026-01-01T00:00:00Z", "u1,11,2.0,2026-01-01T00:00:00Z", "u2,10,5.0,2026-01-01T00:00:00Z");
        FeatureView ratings = FeatureView.builder("ratings").entities("user", "movie").field("stars", ColumnType.DOUBLE)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(file, "event_ts")).build();
        List<Column> keys = List.of(USER_ID, Column.of("movie_id", ColumnType.LONG));
        Table rows = Table.builder(Schema.of(USER_ID, Column.of("movie_id", ColumnType.LONG),
                        Column.of("event_ts", ColumnType.TIMESTAMP)))
                .addRow("u1", 11L, t("2026-01-01T01:00:00Z"))
                .addRow("u2", 11L, t("2026-01-01T01:00:00Z"))
                .addRow("u2", 10L, t("2026-01-01T01:00:00Z"))
                .addRow("u1", 10L, t("2026-01-01T01:00:00Z"))
                .build();

        Table result = store.historical(rows, "event_ts", List.of(new ViewQuery(ratings, keys, List.of("stars"))));

        assertThat(result.schema().columns()).extracting(Column::name)
                .containsExactly("user_id", "movie_id", "event_ts", "ratings__stars");
        assertThat(result.value(0, 3)).isEqualTo(2.0);
        assertThat(result.value(1, 3)).isNull();
        assertThat(result.value(2, 3)).isEqualTo(5.0);
        assertThat(result.value(3, 3)).isEqualTo(4.0);
    }

    @Test
    void refusesEntityRowsWithoutTheJoinKeyOrTheEventTimeColumn() throws IOException {
        FeatureView stats = userStats(FeatureSource.csv(csv("s.csv", "user_id,avg_rating,event_ts",
                "u1,1.0,2026-01-01T00:00:00Z"), "event_ts"), Duration.ofDays(1));
        List<ViewQuery> views = List.of(ViewQuery.allFields(stats, USER));
        Table noKey = Table.builder(Schema.of(Column.of("event_ts", ColumnType.TIMESTAMP)))
                .addRow(t("2026-01-01T00:00:00Z")).build();
        Table noTime = Table.builder(Schema.of(USER_ID)).addRow("u1").build();

        assertThatThrownBy(() -> store.historical(noKey, "event_ts", views)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("user_id");
        assertThatThrownBy(() -> store.historical(noTime, "event_ts", views)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("event_ts");
    }

    @Test
    void listsTheDistinctKeysAndTimesOfAWindowOrderedByTimeThenKeys() throws IOException {
        FeatureView stats = userStats(FeatureSource.csv(csv("s.csv", "user_id,avg_rating,event_ts",
                "u2,1.0,2026-01-01T00:00:00Z",
                "u1,1.0,2026-01-01T00:00:00Z",
                "u1,3.0,2026-01-02T00:00:00Z",
                "u3,1.0,2026-01-03T00:00:00Z",
                "u0,1.0,2025-12-31T23:59:59Z"), "event_ts"), Duration.ofDays(1));
        FeatureView clicks = FeatureView.builder("user_clicks").entities("user").field("clicks", ColumnType.LONG)
                .ttl(Duration.ofHours(1)).source(FeatureSource.csv(csv("c.csv", "user_id,clicks,ts",
                        "u1,7,2026-01-01T00:00:00Z", "u4,1,2026-01-01T06:00:00Z"), "ts")).build();

        Table rows = store.entityRows(List.of(ViewQuery.allFields(stats, USER), ViewQuery.allFields(clicks, USER)),
                t("2026-01-01T00:00:00Z"), t("2026-01-03T00:00:00Z"), "at");

        assertThat(rows.schema()).isEqualTo(Schema.of(USER_ID, Column.of("at", ColumnType.TIMESTAMP)));
        List<List<Object>> listed = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) {
            listed.add(rows.row(r));
        }
        assertThat(listed).containsExactly(
                List.of("u1", t("2026-01-01T00:00:00Z")),
                List.of("u2", t("2026-01-01T00:00:00Z")),
                List.of("u4", t("2026-01-01T06:00:00Z")),
                List.of("u1", t("2026-01-02T00:00:00Z")));
    }

    private FeatureView latestFixture() throws IOException {
        Path file = csv("latest.csv", "user_id,avg_rating,genre,event_ts",
                "u3,3.0,drama,2026-01-01T00:00:00Z",
                "u1,1.0,drama,2026-01-01T00:00:00Z",
                "u1,1.5,,2026-01-02T00:00:00Z",
                "u1,9.0,comedy,2026-01-03T00:00:00Z",
                "u2,2.0,comedy,2026-01-02T23:59:59Z",
                "u4,4.0,drama,2025-12-31T23:59:59Z",
                "u5,5.0,drama,2026-01-01T00:00:00Z");
        return FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.DOUBLE)
                .field("genre", ColumnType.STRING).ttl(Duration.ofDays(1)).source(FeatureSource.csv(file, "event_ts")).build();
    }

    private List<String> latest(FeatureView view, List<Object> afterKey, int chunk) {
        List<String> calls = new ArrayList<>();
        store.latest(ViewQuery.allFields(view, USER), t("2026-01-01T00:00:00Z"), t("2026-01-03T00:00:00Z"), afterKey, chunk,
                (rows, done) -> calls.add(rows + " done=" + done));
        return calls;
    }

    @Test
    void streamsTheLatestRowPerKeyOfAWindowInKeyOrderInChunks() throws IOException {
        FeatureView view = latestFixture();
        assertThat(latest(view, null, 3)).containsExactly(
                LATEST.subList(0, 3) + " done=3",
                LATEST.subList(3, 4) + " done=4");
        assertThat(latest(view, null, 2)).containsExactly(
                LATEST.subList(0, 2) + " done=2",
                LATEST.subList(2, 4) + " done=4");
        assertThat(latest(view, null, 100)).containsExactly(LATEST + " done=4");
    }

    @Test
    void leavesOutAndCountsRowsWithoutAKeyOrAnEventTime() throws IOException {
        Path file = csv("holes.csv", "user_id,avg_rating,event_ts",
                "u1,1.0,2026-01-01T00:00:00Z",
                ",2.0,2026-01-01T00:00:00Z",
                "u2,3.0,");
        FeatureView view = userStats(FeatureSource.csv(file, "event_ts"), Duration.ofDays(1));
        List<OnlineRow> rows = new ArrayList<>();
        long refused = store.latest(ViewQuery.allFields(view, USER), t("2026-01-01T00:00:00Z"), t("2026-01-03T00:00:00Z"),
                null, 10, (chunk, done) -> rows.addAll(chunk));
        assertThat(refused).isEqualTo(2);
        assertThat(rows).containsExactly(new OnlineRow(List.of("u1"), t("2026-01-01T00:00:00Z"), List.of(1.0)));
    }

    @Test
    void resumesAfterTheLastKeyAnInterruptedRunHandedOver() throws IOException {
        FeatureView view = latestFixture();
        assertThat(latest(view, List.of("u2"), 1)).containsExactly(
                LATEST.subList(2, 3) + " done=1",
                LATEST.subList(3, 4) + " done=2");
        // the resume point need not be a key of the source: the keys after it are handed over
        assertThat(latest(view, List.of("u20"), 10)).containsExactly(LATEST.subList(2, 4) + " done=2");
        assertThat(latest(view, List.of("u5"), 10)).isEmpty();
        assertThatThrownBy(() -> latest(view, List.of("u1", "extra"), 10)).isInstanceOf(ValidationException.class);
    }

    @Test
    void handsOverNothingForAnEmptyWindow() throws IOException {
        FeatureView view = latestFixture();
        List<String> calls = new ArrayList<>();
        store.latest(ViewQuery.allFields(view, USER), t("2026-02-01T00:00:00Z"), t("2026-03-01T00:00:00Z"), null, 10,
                (rows, done) -> calls.add(rows + " done=" + done));
        assertThat(calls).isEmpty();
    }

    @Test
    void computesStatisticsOfANumericField() throws IOException {
        Path file = csv("s.csv", "user_id,avg_rating,genre,event_ts",
                "u1,1.0,drama,2026-01-01T00:00:00Z", "u2,2.0,drama,2026-01-01T00:00:00Z",
                "u3,3.0,comedy,2026-01-01T00:00:00Z", "u4,4.0,,2026-01-01T00:00:00Z", "u5,,drama,2026-01-01T00:00:00Z");
        FeatureView view = FeatureView.builder("user_stats").version(3).entities("user")
                .field("avg_rating", ColumnType.DOUBLE).field("genre", ColumnType.STRING)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(file, "event_ts")).build();
        Instant now = t("2026-02-01T00:00:00Z");

        FeatureStatistics stats = store.statistics(ViewQuery.allFields(view, USER), now);

        assertThat(stats.view()).isEqualTo("user_stats");
        assertThat(stats.version()).isEqualTo(3);
        assertThat(stats.computedAt()).isEqualTo(now);
        assertThat(stats.rows()).isEqualTo(5);
        FeatureStatistics.Field rating = stats.fields().get("avg_rating");
        assertThat(rating.type()).isEqualTo(ColumnType.DOUBLE);
        assertThat(rating.count()).isEqualTo(4);
        assertThat(rating.nulls()).isEqualTo(1);
        assertThat(rating.mean()).contains(2.5);
        assertThat(rating.min()).contains(1.0);
        assertThat(rating.max()).contains(4.0);
        FeatureStatistics.Field genre = stats.fields().get("genre");
        assertThat(genre.count()).isEqualTo(4);
        assertThat(genre.nulls()).isEqualTo(1);
        assertThat(genre.mean()).isEmpty();
    }

    @Test
    void keepsTheTextOfStringKeysAndFeaturesThatLookLikeNumbers() throws IOException {
        Path file = csv("notes.csv", "user_id,note,event_ts",
                "1.50,0.10,2026-01-01T00:00:00Z", "2.00,0.20,2026-01-01T00:00:00Z");
        FeatureView notes = FeatureView.builder("user_notes").entities("user").field("note", ColumnType.STRING)
                .ttl(Duration.ofDays(1)).source(FeatureSource.csv(file, "event_ts")).build();
        Table rows = entityRows(at("1.50", "2026-01-01T01:00:00Z"));
        assertThat(store.historical(rows, "event_ts", List.of(ViewQuery.allFields(notes, USER))).row(0))
                .containsExactly("1.50", t("2026-01-01T01:00:00Z"), 0L, "0.10");

        FeatureView pushedNotes = FeatureView.builder("user_notes").entities("user").field("note", ColumnType.STRING)
                .ttl(Duration.ofDays(1)).source(FeatureSource.push("notes_push", "event_ts")).build();
        store.append("notes_push", Table.builder(Schema.of(USER_ID, Column.of("note", ColumnType.STRING),
                Column.of("event_ts", ColumnType.TIMESTAMP))).addRow("1.50", "0.10", t("2026-01-01T00:00:00Z")).build());
        assertThat(store.historical(rows, "event_ts", List.of(ViewQuery.allFields(pushedNotes, USER))).row(0))
                .containsExactly("1.50", t("2026-01-01T01:00:00Z"), 0L, "0.10");
    }

    private static FeatureView pushView(String source) {
        return userStats(FeatureSource.push(source, "event_ts"), Duration.ofDays(1));
    }

    private static Table pushed(String user, double rating, String at) {
        return Table.builder(Schema.of(USER_ID, Column.of("avg_rating", ColumnType.DOUBLE),
                Column.of("event_ts", ColumnType.TIMESTAMP))).addRow(user, rating, t(at)).build();
    }

    @Test
    void appendedRowsAreSeenByViewsOverTheirPushSource() {
        FeatureView view = pushView("ratings_push");
        List<ViewQuery> views = List.of(ViewQuery.allFields(view, USER));
        Table rows = entityRows(at("u1", "2026-01-01T12:00:00Z"), at("u2", "2026-01-01T12:00:00Z"));

        store.append("ratings_push", pushed("u1", 4.5, "2026-01-01T06:00:00Z"));
        store.append("other_push", pushed("u2", 1.0, "2026-01-01T06:00:00Z"));
        Table first = store.historical(rows, "event_ts", views);
        assertThat(first.value(0, 3)).isEqualTo(4.5);
        assertThat(first.value(1, 3)).isNull();

        store.append("ratings_push", pushed("u1", 3.5, "2026-01-01T09:00:00Z"));
        store.append("ratings_push", pushed("u2", 2.0, "2026-01-01T13:00:00Z"));
        Table second = store.historical(rows, "event_ts", views);
        assertThat(second.value(0, 3)).isEqualTo(3.5);
        assertThat(second.value(1, 3)).isNull();
    }

    @Test
    void aPushViewWithNothingAppendedYieldsNullsAndNoRows() {
        FeatureView view = pushView("ratings_push");
        ViewQuery query = ViewQuery.allFields(view, USER);
        Table rows = entityRows(at("u1", "2026-01-01T12:00:00Z"), at("u2", "2026-01-02T12:00:00Z"));

        Table result = store.historical(rows, "event_ts", List.of(query));

        assertThat(result.schema().columns()).extracting(Column::name)
                .containsExactly("user_id", "event_ts", "label", "user_stats__avg_rating");
        assertThat(result.rowCount()).isEqualTo(2);
        assertThat(result.row(0)).containsExactly("u1", t("2026-01-01T12:00:00Z"), 0L, null);
        assertThat(result.row(1)).containsExactly("u2", t("2026-01-02T12:00:00Z"), 1L, null);
        assertThat(store.entityRows(List.of(query), Instant.EPOCH, t("2030-01-01T00:00:00Z"), "at").rowCount()).isZero();
        List<List<OnlineRow>> chunks = new ArrayList<>();
        store.latest(query, Instant.EPOCH, t("2030-01-01T00:00:00Z"), null, 10, (chunk, done) -> chunks.add(chunk));
        assertThat(chunks).isEmpty();
        assertThat(store.statistics(query, t("2026-02-01T00:00:00Z")).rows()).isZero();
    }

    @Test
    void streamsTheLatestAppendedRowPerKey() {
        FeatureView view = pushView("ratings_push");
        store.append("ratings_push", pushed("u2", 2.0, "2026-01-01T06:00:00Z"));
        store.append("ratings_push", pushed("u1", 4.5, "2026-01-01T06:00:00Z"));
        store.append("ratings_push", pushed("u1", 3.5, "2026-01-01T09:00:00Z"));
        List<OnlineRow> rows = new ArrayList<>();
        store.latest(ViewQuery.allFields(view, USER), t("2026-01-01T00:00:00Z"), t("2026-01-02T00:00:00Z"), null, 10,
                (chunk, done) -> rows.addAll(chunk));
        assertThat(rows).containsExactly(
                new OnlineRow(List.of("u1"), t("2026-01-01T09:00:00Z"), List.of(3.5)),
                new OnlineRow(List.of("u2"), t("2026-01-01T06:00:00Z"), List.of(2.0)));
    }
}
