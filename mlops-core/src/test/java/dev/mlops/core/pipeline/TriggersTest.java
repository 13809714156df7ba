package dev.mlops.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunQuery;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Trigger;
import dev.mlops.core.pipeline.PipelineScheduleTest.MovableClock;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriggersTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;
    private final MovableClock clock = new MovableClock(T0);
    /** The {@code model} parameter of every run of the retraining pipeline, in run order. */
    private final List<String> retrained = new CopyOnWriteArrayList<>();
    private MlopsPlatform mlops;
    private Pipeline retrain;

    @BeforeEach
    void start() {
        mlops = platform(home);
        var p = Pipeline.builder("retrain");
        Param<String> model = p.param("model", String.class).required();
        p.step("fit", ctx -> {
            retrained.add(ctx.param(model));
            return ctx.param(model);
        });
        retrain = p.build();
    }

    @AfterEach
    void stop() {
        mlops.close();
    }

    private MlopsPlatform platform(Path dir) {
        return MlopsPlatform.builder().home(dir).clock(clock).build();
    }

    private Event drift(String model) {
        return mlops.newEvent(EventTypes.MONITOR_DRIFT_DETECTED).subject(model).data("model", model).build();
    }

    private void publish(Event event) {
        mlops.eventBus().publish(event);
    }

    /** How many matching events of a trigger ended with an outcome. */
    private double fired(String trigger, String outcome) {
        Counter counter = mlops.meterRegistry().find(MetricNames.PIPELINE_TRIGGER_FIRED)
                .tags(MetricNames.TAG_TRIGGER, trigger, MetricNames.TAG_OUTCOME, outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Every outcome of a trigger with a count above zero. */
    private Map<String, Double> outcomes(String trigger) {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter c : mlops.meterRegistry().find(MetricNames.PIPELINE_TRIGGER_FIRED)
                .tag(MetricNames.TAG_TRIGGER, trigger).counters()) {
            if (c.count() > 0) {
                counts.put(c.getId().getTag(MetricNames.TAG_OUTCOME), c.count());
            }
        }
        return counts;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %s", what, WAIT).isLessThan(deadline);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void awaitOutcome(String trigger, String outcome, double count) {
        await(trigger + " " + outcome + " = " + count, () -> fired(trigger, outcome) == count);
    }

    /** The finished runs of a pipeline, oldest first (by the start time on the test clock, then by id). */
    private List<PipelineRun> finishedRuns(String pipeline, int expected) {
        await(expected + " finished runs of " + pipeline, () -> mlops.pipelines().runs(RunQuery.of(pipeline)).stream()
                .filter(r -> r.state().done()).count() == expected);
        return mlops.pipelines().runs(RunQuery.of(pipeline)).stream()
                .sorted(Comparator.comparing(PipelineRun::startedAt).thenComparing(PipelineRun::runId)).toList();
    }

    private Trigger onDrift(String name, java.util.function.Consumer<Trigger.Builder> more) {
        Trigger.Builder b = Trigger.builder(name).on(EventTypes.MONITOR_DRIFT_DETECTED).pipeline(retrain)
                .param("model", e -> e.subject().orElseThrow());
        more.accept(b);
        return b.build();
    }

    @Test
    void anEventStartsARunWithTheParameterFromTheEvent() {
        Triggers.Registration registration = mlops.triggers().register(onDrift("on-drift", b -> { }));
        Event event = drift("movie-rater");

        publish(event);

        awaitOutcome("on-drift", "started", 1);
        PipelineRun run = registration.lastRun().orElseThrow().await(WAIT);
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.params()).containsExactly(Map.entry("model", "movie-rater"));
        assertThat(run.runId()).isEqualTo(Triggers.runId("on-drift", event)).matches("on-drift-[0-9a-f]{16}");
        assertThat(retrained).containsExactly("movie-rater");
        assertThat(outcomes("on-drift")).containsExactly(Map.entry("started", 1.0));
        assertThat(mlops.triggers().find("on-drift")).containsSame(registration);
    }

    @Test
    void anEventOfAnotherTypeOrFailingTheConditionStartsNothing() {
        mlops.triggers().register(onDrift("rater-drift", b -> b.when(e -> e.subject().orElse("").equals("movie-rater"))));

        publish(mlops.newEvent(EventTypes.MONITOR_PERFORMANCE_DEGRADED).subject("movie-rater").build());
        publish(drift("other-model"));
        publish(mlops.newEvent("movies.ratings.arrived").subject("movie-rater").build());
        publish(drift("movie-rater"));   // delivered after the others of its subscription

        awaitOutcome("rater-drift", "started", 1);
        assertThat(finishedRuns("retrain", 1)).extracting(r -> r.params().get("model")).containsExactly("movie-rater");
        assertThat(retrained).containsExactly("movie-rater");
        assertThat(outcomes("rater-drift")).containsExactly(Map.entry("started", 1.0));
    }

    @Test
    void debounceStartsOneRunAfterTheBurstWithTheLastEventsParameters() {
        Triggers.Registration registration = mlops.triggers()
                .register(onDrift("debounced", b -> b.debounce(Duration.ofMinutes(1))));
        publish(drift("a"));
        publish(drift("b"));
        Event third = drift("c");
        publish(third);
        awaitOutcome("debounced", "debounced", 2);
        assertThat(registration.pendingEvent()).contains(third);

        assertThat(mlops.triggers().tick()).isZero();
        clock.advance(Duration.ofSeconds(59));
        assertThat(mlops.triggers().tick()).isZero();

        // Another event inside the quiet period restarts it.
        Event fourth = drift("d");
        publish(fourth);
        awaitOutcome("debounced", "debounced", 3);
        clock.advance(Duration.ofSeconds(59));
        assertThat(mlops.triggers().tick()).isZero();
        assertThat(mlops.pipelines().runs(RunQuery.of("retrain"))).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(mlops.triggers().tick()).isEqualTo(1);
        assertThat(registration.pendingEvent()).isEmpty();
        assertThat(registration.lastRun().orElseThrow().await(WAIT).params()).containsEntry("model", "d");
        assertThat(registration.lastRun().orElseThrow().runId()).isEqualTo(Triggers.runId("debounced", fourth));
        assertThat(mlops.triggers().tick()).isZero();
        assertThat(retrained).containsExactly("d");
        assertThat(outcomes("debounced")).containsExactly(Map.entry("debounced", 3.0), Map.entry("started", 1.0));
    }

    @Test
    void debounceFiresFromItsTimerOnceTheQuietPeriodHasPassedOnTheSystemClock() {
        try (MlopsPlatform live = MlopsPlatform.embedded(home.resolve("live"))) {
            Triggers.Registration registration = live.triggers().register(onDrift("timer", b -> b
                    .debounce(Duration.ofMillis(300))));
            Instant published = live.clock().instant();
            live.eventBus().publish(live.newEvent(EventTypes.MONITOR_DRIFT_DETECTED).subject("movie-rater").build());

            await("the debounced run", () -> registration.lastRun().isPresent());
            PipelineRun run = registration.lastRun().get().await(WAIT);

            assertThat(run.params()).containsEntry("model", "movie-rater");
            assertThat(run.startedAt()).isAfterOrEqualTo(published.plusMillis(300));
            assertThat(registration.pendingEvent()).isEmpty();
            assertThat(live.meterRegistry().get(MetricNames.PIPELINE_TRIGGER_FIRED)
                    .tags(MetricNames.TAG_TRIGGER, "timer", MetricNames.TAG_OUTCOME, "started").counter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void cooldownIgnoresMatchingEventsInsideTheWindow() {
        mlops.triggers().register(onDrift("cooled", b -> b.cooldown(Duration.ofMinutes(10))));

        publish(drift("first"));
        awaitOutcome("cooled", "started", 1);
        publish(drift("inside"));
        awaitOutcome("cooled", "cooled_down", 1);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        publish(drift("still-inside"));
        awaitOutcome("cooled", "cooled_down", 2);
        clock.advance(Duration.ofSeconds(1));
        publish(drift("after"));
        awaitOutcome("cooled", "started", 2);

        assertThat(finishedRuns("retrain", 2)).extracting(r -> r.params().get("model")).containsExactly("first", "after");
        assertThat(outcomes("cooled")).containsExactly(Map.entry("cooled_down", 2.0), Map.entry("started", 2.0));
    }

    @Test
    void atMostOneActiveRunSkipsEventsWhileItsRunIsActive() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var p = Pipeline.builder("slow-retrain");
        Param<String> model = p.param("model", String.class).required();
        p.step("fit", ctx -> {
            entered.countDown();
            if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return ctx.param(model);
        });
        Triggers.Registration registration = mlops.triggers().register(Trigger.builder("one-at-a-time")
                .on(EventTypes.MONITOR_DRIFT_DETECTED).pipeline(p.build())
                .param("model", e -> e.subject().orElseThrow())
                .atMostOneActiveRun().build());

        publish(drift("first"));
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        publish(drift("while-active"));
        publish(drift("also-while-active"));
        awaitOutcome("one-at-a-time", "skipped_active", 2);
        release.countDown();
        assertThat(registration.lastRun().orElseThrow().await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);

        clock.advance(Duration.ofSeconds(1));   // runs are listed by start time
        publish(drift("after"));
        awaitOutcome("one-at-a-time", "started", 2);
        assertThat(finishedRuns("slow-retrain", 2)).extracting(r -> r.params().get("model"))
                .containsExactly("first", "after");
        assertThat(outcomes("one-at-a-time")).containsExactly(Map.entry("skipped_active", 2.0), Map.entry("started", 2.0));
    }

    @Test
    void theSameEventDeliveredTwiceStartsOneRunEvenAfterARestart() {
        mlops.triggers().register(onDrift("once", b -> { }));
        Event event = drift("movie-rater");

        publish(event);
        publish(event);
        // A copy with the same source and id is the same event, whatever else it says.
        publish(event.toBuilder().subject("other").build());

        awaitOutcome("once", "duplicate", 2);
        assertThat(fired("once", "started")).isEqualTo(1.0);
        assertThat(finishedRuns("retrain", 1)).hasSize(1);

        // After a restart the trigger remembers nothing, but the run id it would use exists.
        mlops.close();
        mlops = platform(home);
        mlops.triggers().register(onDrift("once", b -> { }));
        publish(event);
        awaitOutcome("once", "duplicate", 1);
        assertThat(fired("once", "started")).isZero();
        assertThat(finishedRuns("retrain", 1)).hasSize(1);
        assertThat(retrained).containsExactly("movie-rater");
    }

    @Test
    void theDeduplicationWindowIsBoundedInTimeAndSize() {
        mlops.close();
        mlops = MlopsPlatform.builder().home(home).clock(clock).property("trigger.dedup-window", "PT1M")
                .property("trigger.dedup-capacity", "2").build();
        List<String> handled = new CopyOnWriteArrayList<>();
        mlops.triggers().register(Trigger.builder("record").on("movies.ratings.*")
                .action((platform, e) -> handled.add(e.id())).build());
        Event a = mlops.newEvent("movies.ratings.arrived").id("a").build();
        Event b = mlops.newEvent("movies.ratings.arrived").id("b").build();
        Event c = mlops.newEvent("movies.ratings.arrived").id("c").build();

        publish(a);
        publish(b);
        publish(b);   // within the window: a duplicate
        publish(c);   // a third id: "a" falls out of the two remembered
        publish(a);   // no longer recognised
        awaitOutcome("record", "started", 4);
        assertThat(handled).containsExactly("a", "b", "c", "a");
        assertThat(fired("record", "duplicate")).isEqualTo(1.0);

        clock.advance(Duration.ofMinutes(1));   // "c" and "a" were seen a minute ago: forgotten
        publish(c);
        awaitOutcome("record", "started", 5);
        assertThat(handled).containsExactly("a", "b", "c", "a", "c");
        assertThat(fired("record", "duplicate")).isEqualTo(1.0);
    }

    @Test
    void aFailingFiringIsCountedAndTheTriggerGoesOn() {
        mlops.triggers().register(Trigger.builder("fragile").on(EventTypes.MONITOR_DRIFT_DETECTED)
                .when(e -> {
                    if (e.data().containsKey("boom")) {
                        throw new IllegalStateException("condition broke");
                    }
                    return true;
                })
                .pipeline(retrain)
                .param("model", e -> e.data().get("model"))
                .build());

        publish(mlops.newEvent(EventTypes.MONITOR_DRIFT_DETECTED).data("model", 42).build());       // wrong type: start refused
        publish(mlops.newEvent(EventTypes.MONITOR_DRIFT_DETECTED).data("boom", true).build());      // the condition throws
        publish(mlops.newEvent(EventTypes.MONITOR_DRIFT_DETECTED).data("other", "x").build());      // required param missing
        publish(drift("movie-rater"));
        awaitOutcome("fragile", "started", 1);

        assertThat(outcomes("fragile")).containsExactly(Map.entry("failed", 3.0), Map.entry("started", 1.0));
        assertThat(finishedRuns("retrain", 1)).extracting(r -> r.params().get("model")).containsExactly("movie-rater");
        assertThat(mlops.triggers().find("fragile").orElseThrow().active()).isTrue();
    }

    @Test
    void aFailingActionIsCountedAndOpensNoCooldown() {
        List<String> done = new CopyOnWriteArrayList<>();
        mlops.triggers().register(Trigger.builder("flaky-action").on("movies.ratings.arrived")
                .action((platform, e) -> {
                    if (e.subject().orElse("").equals("bad")) {
                        throw new IOException("the webhook is down");
                    }
                    done.add(e.subject().orElseThrow());
                })
                .cooldown(Duration.ofMinutes(5))
                .build());

        publish(mlops.newEvent("movies.ratings.arrived").subject("bad").build());
        publish(mlops.newEvent("movies.ratings.arrived").subject("good").build());
        publish(mlops.newEvent("movies.ratings.arrived").subject("too-soon").build());
        awaitOutcome("flaky-action", "cooled_down", 1);

        assertThat(done).containsExactly("good");
        assertThat(outcomes("flaky-action")).containsExactly(Map.entry("cooled_down", 1.0), Map.entry("failed", 1.0),
                Map.entry("started", 1.0));
    }

    @Test
    void refusesBadDefinitionsNamingTheFieldAndValue() {
        Trigger.Action noop = (platform, e) -> { };
        assertThatThrownBy(() -> Trigger.builder("Retrain"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("trigger.name must start with a lowercase letter a-z, was 'Retrain'");
        assertThatThrownBy(() -> Trigger.builder("t").pipeline(retrain).build())
                .isInstanceOf(ValidationException.class)
                .hasMessage("trigger.on must name at least one event type pattern, was 'none'");
        assertThatThrownBy(() -> Trigger.builder("t").on("dev.mlops.**.drift").pipeline(retrain).build())
                .hasMessage("trigger.on must be event type patterns of dot-separated segments of [a-z0-9_-], '*' or a"
                        + " last '**', was 'dev.mlops.**.drift'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").build())
                .hasMessage("trigger.pipeline must be set, or else trigger.action, was 'neither'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain).action(noop).build())
                .hasMessage("trigger.action must not be set together with trigger.pipeline 'retrain' (a trigger starts a"
                        + " pipeline or runs an action), was 'an action'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").action(noop).param("model", e -> "x").build())
                .hasMessage("trigger.param must be given only to a trigger that starts a pipeline, was 'model'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain).param("day", e -> "x").build())
                .hasMessage("trigger.param.day must be declared by pipeline 'retrain' (declared: [model]), was 'day'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain).debounce(Duration.ofSeconds(-1)).build())
                .hasMessage("trigger.debounce must be positive, was 'PT-1S'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain).cooldown(Duration.ZERO).build())
                .hasMessage("trigger.cooldown must be positive, was 'PT0S'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain).cooldown(Duration.ofDays(366)).build())
                .hasMessage("trigger.cooldown must be at most PT8760H, was 'PT8784H'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").pipeline(retrain)
                .debounce(Duration.ofMinutes(1)).cooldown(Duration.ofMinutes(5)).build())
                .hasMessage("trigger.cooldown must not be set together with trigger.debounce PT1M (choose one), was 'PT5M'");
        assertThatThrownBy(() -> Trigger.builder("t").on("a.b").when(null))
                .hasMessage("trigger.when must be set, was null");

        var p = Pipeline.builder("no-model");
        p.param("day", String.class);
        p.step("s", ctx -> 1);
        Pipeline noModel = p.build();
        assertThatThrownBy(() -> Triggers.retrainOnDrift("movie-rater", noModel))
                .isInstanceOf(ValidationException.class)
                .hasMessage("retraining must declare a String parameter 'model' (declared: [Param[day: String]]),"
                        + " was 'no-model'");
        assertThatThrownBy(() -> Triggers.promoteOnNewVersion("movie-rater", "Champion",
                PromotionPolicy.builder().metricAtMost("rmse", 1).build()))
                .hasMessage("alias must start with a lowercase letter a-z, was 'Champion'");
    }

    @Test
    void registrationIsIdempotentPerTriggerAndClosingStopsIt() {
        Trigger trigger = onDrift("closable", b -> b.debounce(Duration.ofMinutes(1)));
        Triggers.Registration registration = mlops.triggers().register(trigger);
        assertThat(mlops.triggers().register(trigger)).isSameAs(registration);
        assertThatThrownBy(() -> mlops.triggers().register(onDrift("closable", b -> { })))
                .isInstanceOf(ConflictException.class)
                .hasMessage("trigger 'closable' is already registered; close its registration first");

        publish(drift("held"));
        await("the held event", () -> registration.pendingEvent().isPresent());
        registration.close();
        assertThat(registration.active()).isFalse();
        assertThat(registration.pendingEvent()).isEmpty();
        assertThat(mlops.triggers().registrations()).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(mlops.triggers().tick()).isZero();
        assertThat(mlops.pipelines().runs(RunQuery.of("retrain"))).isEmpty();

        Triggers.Registration again = mlops.triggers().register(onDrift("closable", b -> { }));
        assertThat(mlops.triggers().registrations()).containsExactly(again);
        mlops.close();
        assertThat(again.active()).isFalse();
        assertThatThrownBy(() -> mlops.triggers().register(trigger))
                .isInstanceOf(MlopsException.class)
                .hasMessage("triggers of platform 'mlops' are closed");
    }

    @Test
    void retrainOnDriftStartsTheRetrainingPipelineForItsModelOnly() {
        Trigger trigger = Triggers.retrainOnDrift("movie-rater", retrain);
        assertThat(trigger.name()).isEqualTo("retrain-movie-rater");
        assertThat(trigger.atMostOneActiveRun()).isTrue();
        Triggers.Registration registration = mlops.triggers().register(trigger);

        publish(drift("movie-rater"));
        awaitOutcome("retrain-movie-rater", "started", 1);
        assertThat(registration.lastRun().orElseThrow().await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
        // The monitor's events: degraded performance names the model as subject (and in data).
        publish(mlops.newEvent(EventTypes.MONITOR_PERFORMANCE_DEGRADED).subject("other-model")
                .data("model", "other-model").build());
        publish(mlops.newEvent(EventTypes.MONITOR_PERFORMANCE_DEGRADED).subject("movie-rater")
                .data("model", "movie-rater").data("metric", "RMSE").build());
        awaitOutcome("retrain-movie-rater", "started", 2);

        assertThat(finishedRuns("retrain", 2)).extracting(r -> r.params().get("model"))
                .containsExactly("movie-rater", "movie-rater");
        assertThat(outcomes("retrain-movie-rater")).containsExactly(Map.entry("started", 2.0));

        Trigger slower = Triggers.retrainOnDrift("movie-rater", retrain, b -> b.cooldown(Duration.ofHours(6)));
        assertThat(slower.cooldown()).contains(Duration.ofHours(6));
        assertThat(slower.toBuilder("retrain-slowly").build().cooldown()).contains(Duration.ofHours(6));
    }

    @Test
    void promoteOnNewVersionPromotesAVersionThatPassesThePolicyAndLeavesOneThatFails() throws IOException {
        Path artifact = Files.writeString(home.resolve("model.bin"), "weights");
        List<Event> registryEvents = new CopyOnWriteArrayList<>();
        mlops.eventBus().subscribe("dev.mlops.model.**", registryEvents::add);
        PromotionPolicy policy = PromotionPolicy.builder().metricAtMost("rmse", 0.9).build();
        mlops.triggers().register(Triggers.promoteOnNewVersion("movie-rater", "champion", policy));
        ModelRegistry registry = mlops.registry();

        registry.createVersion(v -> v.model("movie-rater").artifacts(artifact).metric("rmse", 0.8));
        awaitOutcome("promote-movie-rater", "started", 1);
        assertThat(registry.versionByAlias("movie-rater", "champion").orElseThrow().version()).isEqualTo(1);

        registry.createVersion(v -> v.model("movie-rater").artifacts(artifact).metric("rmse", 0.95));
        registry.createVersion(v -> v.model("other-model").artifacts(artifact).metric("rmse", 0.1));
        awaitOutcome("promote-movie-rater", "started", 2);
        await("the rejection event", () -> registryEvents.stream()
                .anyMatch(e -> e.type().equals(EventTypes.MODEL_PROMOTION_REJECTED)));

        assertThat(registry.versionByAlias("movie-rater", "champion").orElseThrow().version()).isEqualTo(1);
        assertThat(registry.versionByAlias("other-model", "champion")).isEmpty();
        assertThat(registryEvents).filteredOn(e -> e.type().equals(EventTypes.MODEL_ALIAS_CHANGED))
                .extracting(e -> e.data().get("version")).containsExactly(1);
        Event rejected = registryEvents.stream().filter(e -> e.type().equals(EventTypes.MODEL_PROMOTION_REJECTED))
                .findFirst().orElseThrow();
        assertThat(rejected.data()).containsEntry("version", 2).containsEntry("actor", "trigger/promote-movie-rater")
                .containsEntry("reasons", List.of("rmse <= 0.9: was 0.95"));
        assertThat(outcomes("promote-movie-rater")).containsExactly(Map.entry("started", 2.0));
    }
}
