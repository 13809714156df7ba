package dev.mlops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

    @Test
    void notNullRejectsNull() {
        assertThatThrownBy(() -> Checks.notNull("clock", null))
                .isInstanceOf(ValidationException.class).hasMessage("clock must be set, was null");
        assertThat(Checks.notNull("clock", "x")).isEqualTo("x");
    }

    @Test
    void textRejectsBlank() {
        assertThatThrownBy(() -> Checks.text("id", "  ", 10)).hasMessage("id must not be blank, was '  '");
    }

    @Test
    void textRejectsTooLong() {
        assertThatThrownBy(() -> Checks.text("id", "abcdef", 5))
                .hasMessage("id must be at most 5 characters long, was 'abcdef'");
    }

    @Test
    void textRejectsControlCharacters() {
        assertThatThrownBy(() -> Checks.text("id", "a\nb", 5))
                .hasMessage("id must not contain control characters, was 'a\nb'");
        assertThat(Checks.text("id", "ab", 5)).isEqualTo("ab");
    }

    @Test
    void positiveRejectsZeroAndNegative() {
        assertThatThrownBy(() -> Checks.positive("ttl", Duration.ofSeconds(-1)))
                .hasMessage("ttl must be positive, was 'PT-1S'");
        assertThatThrownBy(() -> Checks.positive("ttl", Duration.ZERO)).hasMessage("ttl must be positive, was 'PT0S'");
        assertThat(Checks.positive("ttl", Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void inRangeRejectsOutOfBounds() {
        assertThatThrownBy(() -> Checks.inRange("threads", 0, 1, 8)).hasMessage("threads must be between 1 and 8, was '0'");
        assertThat(Checks.inRange("threads", 8, 1, 8)).isEqualTo(8);
    }

    @Test
    void validationExceptionShortensHugeValues() {
        ValidationException e = new ValidationException("blob", "be small", "x".repeat(5000));
        assertThat(e.getMessage()).hasSizeLessThan(300).endsWith("...(5000 chars)'");
    }
}
