package dev.mlops.testkit.tck;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.tracking.MetricPoint;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.testkit.RecordingEventBus;
import dev.mlops.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link Tracker}: runs with write-once parameters, metric series, tags, artifacts
 * and status, listing and best-run selection, and clear errors. Extend it for each implementation.
 *
 * <pre>{@code
 * class EmbeddedTrackerTest extends TrackerTck {
 *     protected Tracker createTracker(Path scratch, RecordingEventBus events, TestClock clock) { ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public abstract class TrackerTck {
    /** A fresh directory for each test. */
    @TempDir
    protected Path scratch;
    /** The events the tracker published in this test. */
    protected RecordingEventBus events;
    /** The clock the tracker reads. */
    protected TestClock clock;
    /** The tracker under test. */
    protected Tracker tracker;

    /** Creates the TCK; subclasses are run by JUnit. */
    protected TrackerTck() {
    }

    /**
     * Creates the tracker under test.
     *
     * @param scratch a fresh directory it may use
     * @param events where it must publish its events
     * @param clock the clock it must read
     * @return the tracker
     * @throws Exception if it cannot be made
     */
    protected abstract Tracker createTracker(Path scratch, RecordingEventBus events, TestClock clock) throws Exception;

    /**
     * The name of an experiment the kit uses; a tracker whose experiments outlive the test (a shared
     * server) returns names of its own, e.g. with a suffix per test.
     *
     * @param name the kit's name, e.g. {@code sweep}
     * @return the experiment's name for this test; by default {@code name}
     */
    protected String experiment(String name) {
        return name;
    }

    @BeforeEach
    void open() throws Exception {
        events = RecordingEventBus.create();
        clock = TestClock.at(TestClock.DEFAULT_START);
        tracker = createTracker(scratch.resolve("tracker-under-test"), events, clock);
    }

    @AfterEach
    void close() {
        events.close();
    }

    @Test
    void recordsParamsMetricSeriesTagsArtifactsAndStatus() throws Exception {
        Path model = Files.writeString(scratch.resolve("model.bin"), "weights");
        String id;
        try (TrackingRun run = tracker.startRun(experiment("movie-rater"), "baseline")) {
            id = run.id();
            run.logParam("epochs", "3").logParam("epochs", "3").setTag("dataset", "ratings-v1");
            run.logMetric("loss", 0.9).logMetric("loss", 0.7);
            clock.advance(Duration.ofMinutes(1));
            run.logMetric("loss", 0.5).logMetric("rmse", 0.84, 10);
            ArtifactRef ref = run.logArtifact("model", model);
            assertThat(ref.size()).isEqualTo(7);
        }
        RunInfo info = tracker.findRun(id).orElseThrow();
        assertThat(info.experiment()).isEqualTo(experiment("movie-rater"));
        assertThat(info.name()).isEqualTo("baseline");
        assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(info.params()).containsExactlyEntriesOf(java.util.Map.of("epochs", "3"));
        assertThat(info.tags()).containsEntry("dataset", "ratings-v1");
        assertThat(info.metrics().get("loss")).extracting(MetricPoint::step).containsExactly(0L, 1L, 2L);
        assertThat(info.metrics().get("loss").get(2).timestamp()).isEqualTo(TestClock.DEFAULT_START.plus(Duration.ofMinutes(1)));
        assertThat(info.latest("rmse")).contains(0.84);
        assertThat(info.artifacts()).containsKey("model");
        assertThat(info.endedAt()).contains(TestClock.DEFAULT_START.plus(Duration.ofMinutes(1)));
        assertThat(events).lastPublished(EventTypes.TRACKING_RUN_FINISHED).hasSubject(id).hasData("status", "FINISHED");
    }

    @Test
    void parametersAreWriteOnce() {
        try (TrackingRun run = tracker.startRun(experiment("exp"), "r")) {
            run.logParam("lr", "0.01");
            assertThatThrownBy(() -> run.logParam("lr", "0.1")).isInstanceOf(ConflictException.class)
                    .hasMessage("param 'lr' of run " + run.id() + " is already '0.01'; parameters are write-once, refusing '0.1'");
            assertThat(run.info().params()).containsEntry("lr", "0.01");
        }
    }

    @Test
    void anEndedRunTakesNothingMore() {
        TrackingRun run = tracker.startRun(experiment("exp"), "r");
        run.end(RunStatus.FAILED);
        assertThatThrownBy(() -> run.logMetric("loss", 1)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("has ended (FAILED)");
        assertThatThrownBy(() -> run.setTag("k", "v")).isInstanceOf(ConflictException.class);
        run.close();
        assertThat(run.info().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void listsRunsAndPicksTheBestFinishedOne() {
        double[] rmse = {0.9, 0.8, 0.85};
        for (int i = 0; i < rmse.length; i++) {
            try (TrackingRun run = tracker.startRun(experiment("sweep"), "trial-" + i)) {
                run.logMetric("rmse", rmse[i]);
                clock.advance(Duration.ofSeconds(1));
            }
        }
        TrackingRun unfinished = tracker.startRun(experiment("sweep"), "still-running");
        unfinished.logMetric("rmse", 0.1);
        assertThat(tracker.runs(experiment("sweep"))).extracting(RunInfo::name).containsExactly("trial-0", "trial-1", "trial-2", "still-running");
        assertThat(tracker.bestRun(experiment("sweep"), "rmse", true)).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("trial-1"));
        assertThat(tracker.bestRun(experiment("sweep"), "rmse", false)).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("trial-0"));
        assertThat(tracker.experiments()).contains(experiment("sweep"));
        assertThat(tracker.runs(experiment("empty"))).isEmpty();
        assertThat(tracker.findRun("nope")).isEmpty();
    }

    @Test
    void rejectsBadInput() {
        try (TrackingRun run = tracker.startRun(experiment("exp"), "r")) {
            assertThatThrownBy(() -> run.logMetric("loss", Double.POSITIVE_INFINITY)).isInstanceOf(ValidationException.class)
                    .hasMessage("metric loss must be a finite number, was 'Infinity'");
            assertThatThrownBy(() -> run.logMetric("loss", 1, -1)).hasMessage("metric loss step must not be negative, was '-1'");
            assertThatThrownBy(() -> run.logParam(" ", "x")).hasMessage("param key must not be blank, was ' '");
            assertThatThrownBy(() -> run.logArtifact("../up", scratch)).hasMessageStartingWith("artifact name must");
            assertThatThrownBy(() -> run.end(RunStatus.RUNNING)).hasMessage("status must be FINISHED, FAILED or KILLED, was 'RUNNING'");
        }
        assertThatThrownBy(() -> tracker.startRun("../etc", "r")).isInstanceOf(ValidationException.class);
    }
}
