package dev.mlops.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static Instant next(String cron, ZoneId zone, String after) {
        return CronExpression.parse(cron, zone).nextAfter(Instant.parse(after)).orElseThrow();
    }

    @Test
    void firesAtTheNextMatchingMinuteInItsZone() {
        assertThat(next("30 2 * * *", PARIS, "2026-01-10T00:00:00Z")).isEqualTo("2026-01-10T01:30:00Z");
        assertThat(next("30 2 * * *", PARIS, "2026-01-10T01:30:00Z")).isEqualTo("2026-01-11T01:30:00Z");
        assertThat(next("*/15 * * * *", ZoneOffset.UTC, "2026-01-10T10:07:00Z")).isEqualTo("2026-01-10T10:15:00Z");
    }

    @Test
    void understandsRangesStepsListsAndNames() {
        // Friday 2026-01-09 17:30 UTC: next is Monday 09:00.
        assertThat(next("0 9-17/2 * * MON-FRI", ZoneOffset.UTC, "2026-01-09T17:30:00Z")).isEqualTo("2026-01-12T09:00:00Z");
        assertThat(next("0 0 1 jan,jul *", ZoneOffset.UTC, "2026-02-01T00:00:00Z")).isEqualTo("2026-07-01T00:00:00Z");
        assertThat(next("0 12 * * 7", ZoneOffset.UTC, "2026-01-05T00:00:00Z")).isEqualTo("2026-01-11T12:00:00Z");
    }

    @Test
    void restrictedDayFieldsMatchEitherAsInVixieCron() {
        // 1st of the month or any Monday: after Fri 2026-01-02 comes Mon 2026-01-05.
        assertThat(next("0 0 1 * MON", ZoneOffset.UTC, "2026-01-02T00:00:00Z")).isEqualTo("2026-01-05T00:00:00Z");
    }

    @Test
    void skipsLocalTimesInADaylightSavingGap() {
        // Paris jumps from 02:00 to 03:00 on 2026-03-29: no 02:30 that day.
        assertThat(next("30 2 * * *", PARIS, "2026-03-28T02:00:00Z")).isEqualTo("2026-03-30T00:30:00Z");
    }

    @Test
    void reportsImpossibleDatesAsNoNextTime() {
        assertThat(CronExpression.parse("0 0 30 2 *", ZoneOffset.UTC).nextAfter(Instant.EPOCH)).isEmpty();
    }

    @Test
    void rejectsAWrongNumberOfFields() {
        assertThatThrownBy(() -> CronExpression.parse("* * * *", ZoneOffset.UTC)).isInstanceOf(ValidationException.class)
                .hasMessage("cron must have 5 fields (minute hour day-of-month month day-of-week), was '* * * *'");
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertThatThrownBy(() -> CronExpression.parse("61 * * * *", ZoneOffset.UTC))
                .hasMessage("cron minute must be *, a number 0-59, a range a-b, a step */n or a-b/n, or a list of these, was '61'");
    }

    @Test
    void rejectsWordsItDoesNotKnow() {
        assertThatThrownBy(() -> CronExpression.parse("0 0 * FOO *", ZoneOffset.UTC)).hasMessageStartingWith("cron month must be");
    }

    @Test
    void rejectsDownwardRanges() {
        assertThatThrownBy(() -> CronExpression.parse("0 5-1 * * *", ZoneOffset.UTC))
                .hasMessage("cron hour must have ranges that go upwards, was '5-1'");
    }

    @Test
    void schedulesCoverBackToBackIntervals() {
        Schedule hourly = Schedule.cron("0 * * * *");
        Instant start = Instant.parse("2026-01-01T10:20:00Z");
        assertThat(hourly.firstIntervalStart(start)).contains(Instant.parse("2026-01-01T11:00:00Z"));
        assertThat(hourly.intervalEnd(Instant.parse("2026-01-01T11:00:00Z"))).contains(Instant.parse("2026-01-01T12:00:00Z"));
        Schedule every = Schedule.every(Duration.ofMinutes(30));
        assertThat(every.firstIntervalStart(start)).contains(start);
        assertThat(every.intervalEnd(start)).contains(start.plus(Duration.ofMinutes(30)));
        assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(10))).hasMessage("schedule.interval must be at least one second, was 'PT0.01S'");
    }
}
