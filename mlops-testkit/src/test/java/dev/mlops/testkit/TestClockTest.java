package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TestClockTest {
    private final TestClock clock = TestClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void standsStillUntilMoved() {
        assertThat(clock.instant()).isEqualTo(clock.instant()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(clock.advance(Duration.ofHours(2))).isEqualTo("2026-01-01T02:00:00Z");
        clock.set(Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(clock.millis()).isEqualTo(Instant.parse("2025-06-01T00:00:00Z").toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void zonedCopiesShareTheTime() {
        TestClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    }

    @Test
    void rejectsNegativeAdvance() {
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(ValidationException.class).hasMessage("amount must not be negative, was 'PT-1S'");
    }

    @Test
    void rejectsNullStart() {
        assertThatThrownBy(() -> TestClock.at(null)).hasMessage("start must be set, was null");
    }
}
