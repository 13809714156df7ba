package dev.mlops.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    private final JsonCodec json = JsonCodec.create();

    record Metric(String name, double value, Instant at) {
    }

    record Count(int n) {
    }

    @Test
    void writesAndReadsRecordsWithIsoTimes() {
        Metric m = new Metric("rmse", 0.81, Instant.parse("2026-01-02T03:04:05Z"));
        String text = json.writeString(m);
        assertThat(text).isEqualTo("{\"name\":\"rmse\",\"value\":0.81,\"at\":\"2026-01-02T03:04:05Z\"}");
        assertThat(json.read(text, Metric.class)).isEqualTo(m);
    }

    @Test
    void neverLetsADocumentChooseAClass() {
        Object value = json.read("{\"@class\":\"java.io.File\",\"path\":\"/etc/passwd\"}", Object.class);
        assertThat(value).isInstanceOf(Map.class);
    }

    @Test
    void rejectsTrailingContent() {
        assertThatThrownBy(() -> json.read("{\"n\":1} {\"n\":2}", Count.class))
                .isInstanceOf(ValidationException.class).hasMessageContaining("Trailing token");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> json.read("{\"n\":1,\"n\":2}", Map.class)).hasMessageContaining("Duplicate field 'n'");
    }

    @Test
    void rejectsCoercedScalars() {
        assertThatThrownBy(() -> json.read("{\"n\":\"1\"}", Count.class)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("json is not a valid Count");
    }

    @Test
    void rejectsDocumentsOverTheSizeLimit() {
        JsonCodec small = JsonCodec.builder().maxDocumentBytes(16).build();
        assertThatThrownBy(() -> small.read("{\"name\":\"0123456789\"}", Map.class))
                .hasMessage("json must be at most 16 bytes, was '21 bytes'");
    }

    @Test
    void rejectsNestingOverTheDepthLimit() {
        JsonCodec shallow = JsonCodec.builder().maxNestingDepth(3).build();
        assertThatThrownBy(() -> shallow.read("[[[[1]]]]", Object.class)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("nesting depth");
    }

    @Test
    void rejectsNullDocument() {
        assertThatThrownBy(() -> json.read("null", Count.class)).hasMessage("json must hold a Count, not null, was 'null'");
    }

    @Test
    void rejectsValuesThatCannotBeWritten() {
        assertThatThrownBy(() -> json.write(new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                return this;
            }
        })).isInstanceOf(ValidationException.class).hasMessageContaining("cannot be written as JSON");
    }

    @Test
    void builderRejectsBadLimits() {
        assertThatThrownBy(() -> JsonCodec.builder().maxDocumentBytes(1))
                .hasMessage("maxDocumentBytes must be between 2 and 1073741824, was '1'");
        assertThatThrownBy(() -> JsonCodec.builder().maxNestingDepth(0))
                .hasMessage("maxNestingDepth must be between 1 and 1000, was '0'");
    }
}
