package dev.mlops.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.core.platform.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private final EventCodec codec = new EventCodec(JsonCodec.create());

    private Event decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsEveryAttributeAndJsonData() {
        Event event = Event.builder(EventTypes.MODEL_ALIAS_CHANGED).id("e-1").source("/registry/movie-rater")
                .subject("movie-rater").time(Instant.parse("2026-01-02T03:04:05.123Z"))
                .data("alias", "champion").data("version", 7).data("rmse", 0.81)
                .data("tags", List.of("a", Map.of("k", true))).data("none", null).build();

        byte[] json = codec.encode(event);

        assertThat(new String(json, StandardCharsets.UTF_8)).startsWith(
                "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/registry/movie-rater\","
                        + "\"type\":\"dev.mlops.model.alias.changed\",\"subject\":\"movie-rater\","
                        + "\"time\":\"2026-01-02T03:04:05.123Z\",\"datacontenttype\":\"application/json\",\"data\":{");
        assertThat(codec.decode(json)).isEqualTo(event);
    }

    @Test
    void readsOffsetTimesAndIgnoresExtensions() {
        Event e = decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T04:04:05+01:00\",\"traceparent\":\"00-abc\"}");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(e.data()).isEmpty();
    }

    @Test
    void rejectsOtherSpecVersions() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T03:04:05Z\"}"))
                .isInstanceOf(ValidationException.class).hasMessage("event.specversion must be '1.0', was '0.3'");
    }

    @Test
    void rejectsMissingRequiredAttribute() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T03:04:05Z\"}")).hasMessage("event.id must be a JSON string, was null");
    }

    @Test
    void rejectsAttributeOfWrongJsonType() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"id\":1,\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T03:04:05Z\"}")).hasMessage("event.id must be a JSON string, was '1'");
    }

    @Test
    void rejectsMalformedTime() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"yesterday\"}")).hasMessage("event.time must be an RFC 3339 timestamp, was 'yesterday'");
    }

    @Test
    void rejectsOtherContentTypes() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T03:04:05Z\",\"datacontenttype\":\"text/xml\",\"data\":\"<a/>\"}"))
                .hasMessage("event.datacontenttype must be 'application/json', was 'text/xml'");
    }

    @Test
    void rejectsDataThatIsNotAnObject() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"a.b\","
                + "\"time\":\"2026-01-02T03:04:05Z\",\"data\":[1,2]}"))
                .hasMessage("event.data must be a JSON object, was '[1, 2]'");
    }

    @Test
    void appliesEveryEventRuleAfterParsing() {
        assertThatThrownBy(() -> decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"Bad Type\","
                + "\"time\":\"2026-01-02T03:04:05Z\"}")).hasMessageStartingWith("event.type must match");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> decode("{\"specversion\":")).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("json is not a valid Map");
    }
}
