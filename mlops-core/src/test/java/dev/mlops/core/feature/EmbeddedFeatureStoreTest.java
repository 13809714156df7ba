package dev.mlops.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeaturePlan;
import dev.mlops.api.feature.FeaturePlan.Action;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedFeatureStoreTest {
    @TempDir
    Path home;
    private MlopsPlatform mlops;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    private final Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).description("a viewer").build();
    private final Entity movie = Entity.builder("movie").joinKey("movie_id", ColumnType.LONG).build();

    @BeforeEach
    void start() {
        mlops = MlopsPlatform.embedded(home);
        mlops.eventBus().subscribe("dev.mlops.feature.**", events::add);
    }

    @AfterEach
    void stop() {
        mlops.close();
    }

    private FeatureView.Builder userStats() {
        return FeatureView.builder("user_stats").entities("user")
                .field("avg_rating", ColumnType.DOUBLE).field("ratings_count", ColumnType.LONG)
                .ttl(Duration.ofDays(7))
                .source(FeatureSource.csv(home.resolve("user_stats.csv"), "event_ts").withCreatedColumn("created_ts"))
                .owner("recs");
    }

    @Test
    void appliesDefinitionsAsCodeAndReappliesAsANoOp() {
        FeatureView stats = userStats().build();
        FeatureService service = FeatureService.builder("rater").features(stats).build();
        FeatureDefinitions repo = FeatureDefinitions.of(user, movie, stats, service);

        FeaturePlan first = mlops.features().apply(repo);

        assertThat(first.changes()).extracting(FeaturePlan.Change::action).containsOnly(Action.ADDED).hasSize(4);
        assertThat(mlops.features().plan(repo).empty()).isTrue();
        assertThat(mlops.features().apply(repo).toString()).isEqualTo("no changes");
        assertThat(mlops.features().view("user_stats", 1)).contains(stats);
        assertThat(mlops.features().entity("user")).contains(user);
        assertThat(mlops.features().service("rater")).contains(service);
        try (MlopsPlatform other = MlopsPlatform.embedded(home)) {
            assertThat(other.features().views()).containsExactly(stats);
        }
        mlops.close();
        assertThat(events).filteredOn(e -> e.type().equals(EventTypes.FEATURE_VIEW_APPLIED)).singleElement()
                .satisfies(e -> assertThat(e.subject()).contains("user_stats@1"));
    }

    @Test
    void compatibleChangesApplyInPlace() {
        mlops.features().apply(FeatureDefinitions.of(user, userStats().build()));
        FeatureView longer = userStats().ttl(Duration.ofDays(14)).field("last_rating", ColumnType.DOUBLE).build();
        FeaturePlan plan = mlops.features().plan(FeatureDefinitions.of(user, longer));
        assertThat(plan.breaking()).isFalse();
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.CHANGED);
            assertThat(c.details()).containsExactly("adds field last_rating", "ttl PT168H -> PT336H");
        });
        mlops.features().apply(FeatureDefinitions.of(user, longer));
        assertThat(mlops.features().view("user_stats", 1).orElseThrow().ttl()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void breakingChangesNeedANewVersionAndOldVersionsStayForPinnedServices() {
        FeatureView v1 = userStats().build();
        mlops.features().apply(FeatureDefinitions.of(user, v1, FeatureService.builder("rater").features(v1).build()));
        FeatureView retyped = FeatureView.builder("user_stats").entities("user").field("avg_rating", ColumnType.STRING)
                .ttl(Duration.ofDays(7)).source(FeatureSource.csv(home.resolve("user_stats.csv"), "event_ts")).build();

        assertThatThrownBy(() -> mlops.features().apply(FeatureDefinitions.of(user, retyped,
                FeatureService.builder("rater").feature(v1, "avg_rating").build())))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("CHANGED (breaking) feature view user_stats@1: field avg_rating DOUBLE -> STRING; "
                        + "removes field ratings_count");
        assertThat(mlops.features().view("user_stats", 1)).contains(v1);

        FeatureView v2 = FeatureView.builder("user_stats").version(2).entities("user").field("avg_rating", ColumnType.STRING)
                .ttl(Duration.ofDays(7)).source(FeatureSource.csv(home.resolve("user_stats.csv"), "event_ts")).build();
        FeaturePlan plan = mlops.features().apply(FeatureDefinitions.of(user, v2,
                FeatureService.builder("rater").features(v1).build()));
        assertThat(plan.changes()).extracting(FeaturePlan.Change::name).containsExactly("user_stats@2");
        assertThat(mlops.features().views()).extracting(FeatureView::versionedName).containsExactly("user_stats@1", "user_stats@2");
    }

    @Test
    void removesWhatIsNoLongerDefinedUnlessSomethingStillUsesIt() {
        FeatureView stats = userStats().build();
        mlops.features().apply(FeatureDefinitions.of(user, movie, stats, FeatureService.builder("rater").features(stats).build()));
        FeaturePlan plan = mlops.features().apply(FeatureDefinitions.of(user, stats));
        assertThat(plan.changes()).extracting(FeaturePlan.Change::toString)
                .containsExactly("REMOVED entity movie", "REMOVED feature service rater");
        assertThat(mlops.features().entity("movie")).isEmpty();

        FeatureService pinned = FeatureService.builder("pinned").features(stats).build();
        mlops.features().apply(FeatureDefinitions.of(user, stats, pinned));
        FeaturePlan removal = mlops.features().plan(FeatureDefinitions.of(user));
        assertThat(removal.changes()).extracting(FeaturePlan.Change::toString)
                .containsExactly("REMOVED feature view user_stats@1", "REMOVED feature service pinned");
    }

    @Test
    void rejectsReferencesToWhatIsNotDefined() {
        assertThatThrownBy(() -> mlops.features().plan(FeatureDefinitions.of(userStats().build())))
                .isInstanceOf(ValidationException.class)
                .hasMessage("feature view user_stats@1 entity must name an entity defined with it, was 'user'");
        FeatureView stats = userStats().build();
        FeatureView other = userStats().version(3).build();
        assertThatThrownBy(() -> mlops.features().plan(FeatureDefinitions.of(user, stats,
                FeatureService.builder("rater").features(other).build())))
                .hasMessage("feature service rater feature must name a defined or applied view version, was 'user_stats@3:avg_rating'");
    }

    @Test
    void rejectsMalformedDefinitions() {
        assertThatThrownBy(() -> userStats().ttl(Duration.ofSeconds(-1)).build())
                .hasMessage("feature view user_stats ttl must be positive, was 'PT-1S'");
        assertThatThrownBy(() -> userStats().field("avg_rating", ColumnType.LONG).build()).isInstanceOf(ConflictException.class)
                .hasMessage("feature view user_stats declares field 'avg_rating' twice");
        assertThatThrownBy(() -> FeatureView.builder("v").entities("user").ttl(Duration.ofDays(1))
                .source(FeatureSource.push("p", "ts")).build()).hasMessage("feature view v fields must have at least one field, was 'none'");
        assertThatThrownBy(() -> userStats().field("event_ts", ColumnType.TIMESTAMP).build())
                .hasMessage("feature view user_stats fields must not include the event-time column of the source, was 'event_ts'");
        assertThatThrownBy(() -> Entity.builder("item").joinKey("score", ColumnType.DOUBLE).build())
                .hasMessageStartingWith("entity.item join key score must have an exact type");
        assertThatThrownBy(() -> Entity.builder("item").build()).hasMessage("entity.item.joinKeys must have at least one key, was 'none'");
        assertThatThrownBy(() -> FeatureService.builder("s").feature(userStats().build(), "nope"))
                .hasMessage("feature service s feature must be a field of user_stats@1, was 'nope'");
        assertThatThrownBy(() -> FeatureDefinitions.of(user, user)).isInstanceOf(ConflictException.class)
                .hasMessage("entity 'user' is defined twice");
        assertThatThrownBy(() -> FeatureDefinitions.of("not a definition")).hasMessageStartingWith("definition must be an Entity");
    }
}
