package dev.mlops.testkit.tck;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.model.RegisteredModel;
import dev.mlops.api.model.RegistryChange;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.Stage;
import dev.mlops.api.model.TensorSpec;
import dev.mlops.api.model.VersionPage;
import dev.mlops.api.model.VersionQuery;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ModelRegistry}: gapless version numbers, artifacts that come back
 * verified, aliases and stages with an audit trail and events, lineage read both ways, and clear
 * errors. Extend it for each implementation.
 *
 * <pre>{@code
 * class EmbeddedModelRegistryTest extends ModelRegistryTck {
 *     protected ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock) {
 *         return new EmbeddedModelRegistry(scratch.resolve("registry"),
 *                 LocalArtifactStore.at(scratch.resolve("artifacts"), JsonCodec.create()), JsonCodec.create(), clock, events);
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class ModelRegistryTck {
    private static final String DATA = "a".repeat(64);

    /** A fresh directory for each test. */
    @TempDir
    protected Path scratch;
    /** The events the registry published in this test. */
    protected RecordingEventBus events;
    /** The clock the registry reads. */
    protected TestClock clock;
    /** The registry under test. */
    protected ModelRegistry registry;
    private Path modelDir;
    private String rater;
    private String other;
    private String busy;
    private String never;
    private String m;

    /** Creates the TCK; subclasses are run by JUnit. */
    protected ModelRegistryTck() {
    }

    /**
     * Creates the registry under test.
     *
     * @param scratch a fresh directory it may use
     * @param events where it must publish its events
     * @param clock the clock it must read
     * @return the registry
     * @throws Exception if it cannot be made
     */
    protected abstract ModelRegistry createRegistry(Path scratch, RecordingEventBus events, TestClock clock)
            throws Exception;

    /**
     * The name the kit gives one of its models. Override it to keep the kit's models apart from others
     * in a shared registry, e.g. with a prefix per run; every listing the kit checks is then narrowed
     * to its own models.
     *
     * @param model the kit's name, e.g. {@code movie-rater}
     * @return the name to register it under; a valid model name
     */
    protected String name(String model) {
        return model;
    }

    @BeforeEach
    void open() throws Exception {
        rater = name("movie-rater");
        other = name("other");
        busy = name("busy");
        never = name("never");
        m = name("m");
        events = RecordingEventBus.create();
        clock = TestClock.at(TestClock.DEFAULT_START);
        registry = createRegistry(scratch.resolve("registry-under-test"), events, clock);
        modelDir = Files.createDirectories(scratch.resolve("model"));
        Files.writeString(modelDir.resolve("params.bin"), "weights");
        Files.writeString(modelDir.resolve("serving.properties"), "engine=PyTorch\n");
    }

    @AfterEach
    void close() {
        events.close();
    }

    /** Every version of this test's models a query finds, over all its pages. */
    private List<ModelVersion> all(VersionQuery query) {
        List<ModelVersion> found = new ArrayList<>();
        VersionPage page = registry.search(query);
        while (true) {
            page.versions().stream().filter(v -> ours(v.model())).forEach(found::add);
            if (page.nextPageToken().isEmpty()) {
                return found;
            }
            page = registry.search(query.pageToken(page.nextPageToken().orElseThrow()));
        }
    }

    private boolean ours(String model) {
        return List.of(rater, other, busy, never, m).contains(model);
    }

    private ModelVersion create(String model, double rmse) {
        return registry.createVersion(v -> v.model(model).artifacts(modelDir).metric("rmse", rmse).by("ci"));
    }

    @Test
    void numbersVersionsFromOneWithoutGapsAndRegistersTheModel() {
        assertThat(create(rater, 0.9).version()).isEqualTo(1);
        assertThat(create(rater, 0.8).version()).isEqualTo(2);
        assertThat(create(other, 0.8).version()).isEqualTo(1);
        RegisteredModel model = registry.model(rater).orElseThrow();
        assertThat(model.latestVersion()).isEqualTo(2);
        assertThat(registry.models()).extracting(RegisteredModel::name).filteredOn(this::ours)
                .containsExactly(rater, other);
        assertThat(registry.latestVersion(rater).orElseThrow().metric("rmse")).contains(0.8);
        assertThat(registry.versions(rater)).extracting(ModelVersion::version)
                .containsExactly(1, 2);
        assertThat(events).lastPublished(EventTypes.MODEL_VERSION_CREATED).hasSubject(other).hasData("version", 1);
    }

    @Test
    void keepsEverythingAVersionWasRegisteredWith() throws IOException {
        Signature signature = new Signature(List.of(TensorSpec.of("features", "float32", -1, 32)),
                List.of(TensorSpec.of("rating", "float32", -1, 1)));
        ModelVersion v = registry.createVersion(s -> s.model(rater).artifacts(modelDir).format("djl")
                .description("first").tag("team", "recs").param("epochs", "10").metric("rmse", 0.81)
                .signature(signature).pipelineRun("train", "r1", "fit").trackingRun("t-1").data("ratings", DATA)
                .feature("user_stats:3").codeVersion("abc123").by("ana"));
        ModelVersion read = registry.version(rater, v.version());
        assertThat(read).isEqualTo(v);
        assertThat(read.format()).isEqualTo("djl");
        assertThat(read.tags()).containsEntry("team", "recs");
        assertThat(read.signature()).contains(signature);
        assertThat(read.lineage().runId()).contains("r1");
        assertThat(read.lineage().data()).containsEntry("ratings", DATA);
        assertThat(read.lineage().codeVersion()).contains("abc123");
        assertThat(read.lineage().javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(read.createdAt()).isEqualTo(TestClock.DEFAULT_START);
        assertThat(read.createdBy()).isEqualTo("ana");

        Path out = scratch.resolve("download");
        registry.downloadArtifacts(read, out);
        assertThat(out.resolve("serving.properties")).hasContent("engine=PyTorch\n");
        assertThat(registry.versionsTrainedOn(DATA)).filteredOn(found -> ours(found.model())).containsExactly(read);
        assertThat(registry.versionsTrainedOn("b".repeat(64))).filteredOn(found -> ours(found.model())).isEmpty();
    }

    @Test
    void aliasesPointAtVersionsAndEveryMoveIsRecorded() {
        create(rater, 0.9);
        create(rater, 0.8);
        registry.setAlias(rater, "champion", 1, "ana");
        clock.advance(Duration.ofHours(1));
        ModelVersion moved = registry.setAlias(rater, "champion", 2, "bob");
        registry.setAlias(rater, "challenger", 1, "bob");

        assertThat(moved.aliases()).containsExactly("champion");
        assertThat(registry.versionByAlias(rater, "champion").orElseThrow().version()).isEqualTo(2);
        assertThat(registry.version(rater, 1).aliases()).containsExactly("challenger");
        assertThat(registry.model(rater).orElseThrow().aliases())
                .isEqualTo(Map.of("champion", 2, "challenger", 1));
        assertThat(events).lastPublished(EventTypes.MODEL_ALIAS_CHANGED).hasData("alias", "challenger").hasData("version", 1);

        registry.deleteAlias(rater, "challenger", "ana");
        assertThat(registry.versionByAlias(rater, "challenger")).isEmpty();
        List<RegistryChange> history = registry.history(rater);
        assertThat(history).extracting(RegistryChange::kind).containsExactly(
                RegistryChange.Kind.VERSION_CREATED, RegistryChange.Kind.VERSION_CREATED, RegistryChange.Kind.ALIAS_SET,
                RegistryChange.Kind.ALIAS_SET, RegistryChange.Kind.ALIAS_SET, RegistryChange.Kind.ALIAS_DELETED);
        RegistryChange move = history.get(3);
        assertThat(move.subject()).isEqualTo("champion");
        assertThat(move.from()).contains("1");
        assertThat(move.to()).contains("2");
        assertThat(move.actor()).isEqualTo("bob");
        assertThat(move.at()).isEqualTo(TestClock.DEFAULT_START.plus(Duration.ofHours(1)));
    }

    @Test
    void stagesMoveWithAnAuditTrail() {
        create(rater, 0.9);
        ModelVersion staged = registry.transitionStage(rater, 1, Stage.STAGING, "ana");
        assertThat(staged.stage()).isEqualTo(Stage.STAGING);
        registry.transitionStage(rater, 1, Stage.PRODUCTION, "bob");
        assertThat(registry.version(rater, 1).stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(events).lastPublished(EventTypes.MODEL_STAGE_CHANGED).hasData("from", "STAGING").hasData("to", "PRODUCTION");
        assertThat(registry.history(rater)).filteredOn(c -> c.kind() == RegistryChange.Kind.STAGE_CHANGED)
                .hasSize(2);
    }

    @Test
    void registeringAModelTwiceIsANoOpAndChangesUpdateIt() {
        RegisteredModel first = registry.registerModel(rater, "rates movies", Map.of("team", "recs"));
        RegisteredModel again = registry.registerModel(rater, "rates movies", Map.of("team", "recs"));
        assertThat(again).isEqualTo(first);
        RegisteredModel changed = registry.registerModel(rater, "rates films", Map.of("team", "recs"));
        assertThat(changed.description()).isEqualTo("rates films");
        assertThat(changed.createdAt()).isEqualTo(first.createdAt());
    }

    @Test
    void concurrentRegistrationsGetDistinctGaplessNumbers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> create(busy, 0.5).version()));
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<Integer> f : futures) {
                numbers.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(numbers).containsExactlyInAnyOrderElementsOf(
                    IntStream.rangeClosed(1, 40).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void searchesWithFiltersOrderAndPages() {
        for (double rmse : new double[] {0.95, 0.85, 0.75, 0.80}) {
            registry.createVersion(v -> v.model(rater).artifacts(modelDir).metric("rmse", rmse).tag("team", "recs"));
        }
        registry.createVersion(v -> v.model(other).artifacts(modelDir).metric("rmse", 0.5).tag("team", "ads"));
        registry.setAlias(rater, "champion", 2, "ana");

        VersionQuery good = VersionQuery.filter("name = '" + rater + "' and metrics.rmse < 0.9").orderBy("metrics.rmse asc");
        assertThat(registry.search(good).versions()).extracting(ModelVersion::version)
                .containsExactly(3, 4, 2);
        VersionPage first = registry.search(good.limit(2));
        assertThat(first.versions()).extracting(ModelVersion::version).containsExactly(3, 4);
        VersionPage second = registry.search(good.limit(2).pageToken(first.nextPageToken().orElseThrow()));
        assertThat(second.versions()).extracting(ModelVersion::version).containsExactly(2);
        assertThat(second.nextPageToken()).isEmpty();
        assertThat(all(VersionQuery.filter("tags.team = 'ads'"))).extracting(ModelVersion::model).containsExactly(other);
        assertThat(all(VersionQuery.filter("alias = 'champion'")))
                .extracting(ModelVersion::version).containsExactly(2);
        assertThat(all(VersionQuery.all())).hasSize(5);
        assertThat(all(VersionQuery.filter("metrics.missing > 1"))).isEmpty();
    }

    @Test
    void promotesOnlyWhenEveryGatePasses() {
        PromotionPolicy policy = PromotionPolicy.builder().metricAtMost("rmse", 0.9)
                .beatChampion("rmse", PromotionPolicy.Goal.MINIMIZE, 0.02).requireApprovals(1).build();
        create(rater, 0.85);
        create(rater, 0.84);
        create(rater, 0.70);

        PromotionDecision unapproved = registry.promote(rater, 1, "champion", policy, "ci");
        assertThat(unapproved.promoted()).isFalse();
        assertThat(unapproved.reasons()).containsExactly("1 approval: 0 distinct approvers");
        assertThat(registry.versionByAlias(rater, "champion")).isEmpty();
        assertThat(events).lastPublished(EventTypes.MODEL_PROMOTION_REJECTED).hasData("version", 1);

        registry.approve(rater, 1, "ana", "offline eval looks good");
        assertThat(registry.promote(rater, 1, "champion", policy, "ci").promoted()).isTrue();
        assertThat(registry.approvals(rater, 1)).singleElement()
                .satisfies(a -> assertThat(a.approver()).isEqualTo("ana"));

        registry.approve(rater, 2, "ana", "ok");
        PromotionDecision tooSmall = registry.promote(rater, 2, "champion", policy, "ci");
        assertThat(tooSmall.promoted()).isFalse();
        assertThat(tooSmall.reasons()).singleElement().asString()
                .startsWith("rmse beats the champion by 0.02: candidate 0.84 vs champion (version 1) 0.85");

        registry.approve(rater, 3, "bob", "big win");
        assertThat(registry.promote(rater, 3, "champion", policy, "ci").promoted()).isTrue();
        assertThat(registry.versionByAlias(rater, "champion").orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void rejectsMalformedSearches() {
        assertThatThrownBy(() -> VersionQuery.filter("metrics.rmse << 1")).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("filter must have a quoted string or a number at position 14");
        assertThatThrownBy(() -> VersionQuery.filter("owner = 'x'")).hasMessageStartingWith("filter must use a field among");
        assertThatThrownBy(() -> VersionQuery.filter("name = 'x' or name = 'y'")).hasMessageContaining("'and' between conditions");
        assertThatThrownBy(() -> VersionQuery.filter("name = 'x")).hasMessageContaining("a closing quote");
        assertThatThrownBy(() -> VersionQuery.all().orderBy("metrics.rmse sideways")).hasMessage("orderBy must be a field followed by asc or desc, was 'metrics.rmse sideways'");
        assertThatThrownBy(() -> VersionQuery.all().pageToken("abc")).hasMessage("pageToken must be a token from a previous page, was 'abc'");
        assertThatThrownBy(() -> PromotionPolicy.builder().build()).hasMessage("policy must have at least one gate, was 'none'");
    }

    @Test
    void rejectsVersionsWithoutModelOrArtifacts() {
        assertThatThrownBy(() -> registry.createVersion(v -> v.artifacts(modelDir))).isInstanceOf(ValidationException.class)
                .hasMessage("version.model must be set, was null");
        assertThatThrownBy(() -> registry.createVersion(v -> v.model(m))).hasMessage("version.artifacts must be set, was null");
        assertThatThrownBy(() -> registry.createVersion(v -> v.model(m).artifacts(scratch.resolve("nope"))))
                .hasMessageStartingWith("version.artifacts must be an existing file or directory");
        assertThat(registry.model(m)).isEmpty();
    }

    @Test
    void rejectsNamesThatCouldEscapeTheRegistry() {
        for (String bad : new String[] {"..", "a/b", "/etc", "mod\u00e8le", "UPPER"}) {
            assertThatThrownBy(() -> registry.createVersion(v -> v.model(bad).artifacts(modelDir)))
                    .isInstanceOf(ValidationException.class).hasMessageStartingWith("version.model must");
            assertThatThrownBy(() -> registry.model(bad)).isInstanceOf(ValidationException.class);
        }
    }

    @Test
    void rejectsBadMetricsAndLineage() {
        assertThatThrownBy(() -> registry.createVersion(v -> v.model(m).artifacts(modelDir).metric("rmse", Double.NaN)))
                .hasMessage("version.metric rmse must be a finite number, was 'NaN'");
        assertThatThrownBy(() -> registry.createVersion(v -> v.model(m).artifacts(modelDir).data("ratings", "xyz")))
                .hasMessage("version.data ratings must be a SHA-256 fingerprint (64 lowercase hex digits), was 'xyz'");
    }

    @Test
    void reportsMissingVersionsAndAliases() {
        create(rater, 0.9);
        assertThatThrownBy(() -> registry.version(rater, 7)).isInstanceOf(NotFoundException.class)
                .hasMessage("model version '" + rater + "/7' not found; model '" + rater + "' has versions 1..1");
        assertThatThrownBy(() -> registry.setAlias(rater, "champion", 7, "ana")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> registry.deleteAlias(rater, "champion", "ana")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> registry.version(rater, 0)).isInstanceOf(ValidationException.class);
        assertThat(registry.versionByAlias(rater, "champion")).isEmpty();
        assertThat(registry.latestVersion(never)).isEmpty();
        assertThatThrownBy(() -> registry.version(never, 1)).isInstanceOf(NotFoundException.class)
                .hasMessage("model version '" + never + "/1' not found; model '" + never + "' has no versions");
        assertThatThrownBy(() -> registry.versionByAlias(rater, null)).isInstanceOf(ValidationException.class);
    }
}
