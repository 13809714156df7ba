package dev.mlops.api.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    private static Event.Builder valid() {
        return Event.builder(EventTypes.MODEL_ALIAS_CHANGED).source("/registry/movie-rater").time(T);
    }

    @Test
    void buildsWithAllAttributes() {
        Event e = valid().id("42").subject("movie-rater").data("alias", "champion").data("version", 7)
                .data(Map.of("tags", List.of("a", "b"))).build();
        assertThat(e.id()).isEqualTo("42");
        assertThat(e.source()).isEqualTo(URI.create("/registry/movie-rater"));
        assertThat(e.type()).isEqualTo("dev.mlops.model.alias.changed");
        assertThat(e.subject()).contains("movie-rater");
        assertThat(e.time()).isEqualTo(T);
        assertThat(e.data()).containsExactly(Map.entry("alias", "champion"), Map.entry("version", 7),
                Map.entry("tags", List.of("a", "b")));
        assertThat(e.toBuilder().build()).isEqualTo(e).hasSameHashCodeAs(e);
        assertThat(e.toString()).contains("type=dev.mlops.model.alias.changed", "subject=movie-rater");
    }

    @Test
    void defaultsIdToUuidAndTimeToNow() {
        Instant before = Instant.now();
        Event e = Event.builder("com.acme.thing.happened").source(URI.create("urn:acme")).build();
        assertThat(e.id()).matches("[0-9a-f-]{36}");
        assertThat(e.time()).isAfterOrEqualTo(before);
        assertThat(e.subject()).isEmpty();
        assertThat(e.data()).isEmpty();
    }

    @Test
    void dataIsADeepImmutableCopy() {
        List<Object> list = new ArrayList<>(List.of(1));
        Map<String, Object> nested = new HashMap<>(Map.of("l", list));
        Event e = valid().data("n", nested).data("nothing", null).build();
        list.add(2);
        nested.put("x", 1);
        assertThat(e.data().get("n")).isEqualTo(Map.of("l", List.of(1)));
        assertThat(e.data()).containsEntry("nothing", null);
        assertThatThrownBy(() -> e.data().put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> copied = (List<Object>) ((Map<String, Object>) e.data().get("n")).get("l");
        assertThatThrownBy(() -> copied.add(3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsMalformedType() {
        assertThatThrownBy(() -> Event.builder("Model Changed").source("/x").build())
                .isInstanceOf(ValidationException.class)
                .hasMessage("event.type must match " + Event.TYPE_PATTERN + ", was 'Model Changed'");
        assertThatThrownBy(() -> Event.builder("single").source("/x").build())
                .hasMessageStartingWith("event.type must match");
    }

    @Test
    void rejectsNullType() {
        assertThatThrownBy(() -> Event.builder(null).source("/x").build()).hasMessage("event.type must be set, was null");
    }

    @Test
    void rejectsBlankId() {
        assertThatThrownBy(() -> valid().id(" ").build()).hasMessage("event.id must not be blank, was ' '");
    }

    @Test
    void rejectsMissingSource() {
        assertThatThrownBy(() -> Event.builder("a.b").build()).hasMessage("event.source must be set, was null");
    }

    @Test
    void rejectsSourceThatIsNotAUri() {
        assertThatThrownBy(() -> valid().source("not a uri").build())
                .hasMessage("event.source must be a URI reference, was 'not a uri'");
    }

    @Test
    void rejectsEmptySource() {
        assertThatThrownBy(() -> valid().source("").build())
                .hasMessageStartingWith("event.source must be a non-empty URI reference");
    }

    @Test
    void rejectsSubjectWithControlCharacters() {
        assertThatThrownBy(() -> valid().subject("run\u0000").build())
                .hasMessageStartingWith("event.subject must not contain control characters");
    }

    @Test
    void rejectsDataThatIsNotJson() {
        assertThatThrownBy(() -> valid().data("when", Instant.EPOCH).build())
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("event.data.when must be a JSON value (null, String, Boolean, finite Number, List or Map), not a java.time.Instant");
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertThatThrownBy(() -> valid().data("rmse", Double.NaN).build())
                .hasMessage("event.data.rmse must be a finite number (JSON has no NaN or infinity), was 'NaN'");
        assertThat(valid().data("d", new BigDecimal("0.81")).data("f", 1.5f).build().data()).containsKeys("d", "f");
    }

    @Test
    void rejectsNonStringMapKeys() {
        Map<Object, Object> bad = new LinkedHashMap<>();
        bad.put(1, "one");
        assertThatThrownBy(() -> valid().data("m", bad).build()).hasMessage("event.data.m must have string keys, was '1'");
    }

    @Test
    void rejectsBlankKeys() {
        assertThatThrownBy(() -> valid().data("", 1).build()).hasMessage("event.data key must not be blank, was ''");
    }

    @Test
    void rejectsDeepNesting() {
        Object deep = "leaf";
        for (int i = 0; i < Event.MAX_DATA_DEPTH + 1; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> valid().data("deep", tooDeep).build())
                .hasMessageContaining("must be nested at most 32 levels deep");
    }

    @Test
    void rejectsOversizedData() {
        assertThatThrownBy(() -> valid().data("blob", "x".repeat(Event.MAX_DATA_CHARS)).build())
                .hasMessage("event.data must be at most 1048576 characters as JSON, was 'larger'");
    }
}
