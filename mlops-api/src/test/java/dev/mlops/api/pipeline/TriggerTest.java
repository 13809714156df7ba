package dev.mlops.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.event.TypePattern;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TriggerTest {
    private static Pipeline retrain() {
        var p = Pipeline.builder("retrain");
        p.param("model", String.class).required();
        p.param("reason", String.class).defaultValue("schedule");
        p.step("fit", ctx -> 1);
        return p.build();
    }

    private static Event event(String type, String subject) {
        return Event.builder(type).source("/monitor").subject(subject).data("metric", "RMSE").build();
    }

    @Test
    void matchesAnyPatternAndEveryCondition() {
        Trigger trigger = Trigger.builder("retrain-on-drift")
                .on(EventTypes.MONITOR_DRIFT_DETECTED, "dev.mlops.monitor.performance.*", EventTypes.MONITOR_DRIFT_DETECTED)
                .when(e -> e.subject().isPresent())
                .when(e -> !e.subject().get().startsWith("test-"))
                .pipeline(retrain())
                .build();

        assertThat(trigger.patterns()).extracting(TypePattern::toString)
                .containsExactly(EventTypes.MONITOR_DRIFT_DETECTED, "dev.mlops.monitor.performance.*");
        assertThat(trigger.matches(event(EventTypes.MONITOR_DRIFT_DETECTED, "movie-rater"))).isTrue();
        assertThat(trigger.matches(event(EventTypes.MONITOR_PERFORMANCE_DEGRADED, "movie-rater"))).isTrue();
        assertThat(trigger.matches(event(EventTypes.MONITOR_DRIFT_DETECTED, "test-rater"))).isFalse();
        assertThat(trigger.matches(event(EventTypes.MODEL_VERSION_CREATED, "movie-rater"))).isFalse();
        assertThat(trigger.matches(Event.builder(EventTypes.MONITOR_DRIFT_DETECTED).source("/monitor").build()))
                .isFalse();
    }

    @Test
    void paramsComeFromTheMapsFirstThenFromEachParam() {
        Trigger trigger = Trigger.builder("retrain-on-drift").on(EventTypes.MONITOR_DRIFT_DETECTED).pipeline(retrain())
                .params(e -> Map.of("model", "from-map", "reason", "drift"))
                .param("model", e -> e.subject().orElseThrow())
                .build();

        assertThat(trigger.paramsFor(event(EventTypes.MONITOR_DRIFT_DETECTED, "movie-rater")))
                .containsOnly(Map.entry("model", "movie-rater"), Map.entry("reason", "drift"));
        assertThat(trigger.paramNames()).containsExactly("model");
        assertThatThrownBy(() -> trigger.paramsFor(Event.builder(EventTypes.MONITOR_DRIFT_DETECTED).source("/m").build()))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void toBuilderKeepsEveryFieldUnderTheNewName() {
        Trigger.Action action = (platform, e) -> { };
        Trigger original = Trigger.builder("promote").on("dev.mlops.model.**").when(e -> false).action(action)
                .cooldown(Duration.ofMinutes(5)).atMostOneActiveRun().build();

        Trigger copy = original.toBuilder("promote-again").build();

        assertThat(copy.name()).isEqualTo("promote-again");
        assertThat(copy.patterns()).isEqualTo(original.patterns());
        assertThat(copy.action()).containsSame(action);
        assertThat(copy.pipeline()).isEmpty();
        assertThat(copy.cooldown()).contains(Duration.ofMinutes(5));
        assertThat(copy.debounce()).isEmpty();
        assertThat(copy.atMostOneActiveRun()).isTrue();
        assertThat(copy.matches(event(EventTypes.MODEL_VERSION_CREATED, "m"))).isFalse();
        assertThat(copy).hasToString("Trigger[promote-again on [dev.mlops.model.**] -> action, cooldown PT5M, at most"
                + " one active run]");
        assertThatThrownBy(() -> original.toBuilder("promote").debounce(Duration.ofSeconds(1)).build())
                .hasMessage("trigger.cooldown must not be set together with trigger.debounce PT1S (choose one),"
                        + " was 'PT5M'");
    }
}
