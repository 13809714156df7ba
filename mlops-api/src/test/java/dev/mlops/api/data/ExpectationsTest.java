package dev.mlops.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
    static final Schema SCHEMA = Schema.of(Column.of("rating_id", ColumnType.LONG), Column.of("user_id", ColumnType.STRING),
            Column.of("stars", ColumnType.DOUBLE), Column.of("genre", ColumnType.STRING),
            Column.of("rated_at", ColumnType.TIMESTAMP));
    static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");

    static Table ratings() {
        return Table.builder(SCHEMA)
                .addRow(1L, "u1", 4.0, "drama", NOW.minusSeconds(3600))
                .addRow(2L, "u2", 9.0, "drama", NOW.minusSeconds(7200))
                .addRow(3L, null, 3.0, "western", NOW.minusSeconds(60))
                .addRow(3L, "bob", 5.0, null, NOW.minusSeconds(10))
                .addRow(5L, "u5", 1.0, "comedy", null)
                .build();
    }

    static Expectations.Builder checks() {
        return Expectations.builder("ratings")
                .column("rating_id", c -> c.unique())
                .column("user_id", c -> c.notNull().matches("u[0-9]+"))
                .column("stars", c -> c.type(ColumnType.DOUBLE).between(1, 5))
                .column("genre", c -> c.in("drama", "comedy"))
                .rowCount(1, 100)
                .freshness("rated_at", Duration.ofDays(1));
    }

    @Test
    void reportsEveryRowLevelFailureWithExamples() {
        ValidationReport report = checks().build().validate(ratings(), NOW);
        assertThat(report.passed()).isFalse();
        assertThat(report.results()).hasSize(8);
        assertThat(report.failures()).extracting(ValidationReport.Result::expectation).containsExactly(
                "rating_id unique", "user_id not null", "user_id matches u[0-9]+", "stars between 1 and 5", "genre in [drama, comedy]");
        assertThat(report.failures().get(0).failedRows()).isEqualTo(2);
        assertThat(report.failures().get(3).examples()).containsExactly("9.0");
        assertThat(report.failures().get(4).examples()).containsExactly("western");
        assertThat(report.summary()).startsWith("ratings: 5 of 8 expectations failed on 5 rows: rating_id unique (2 rows, e.g. [3, 3])");
        assertThat(report.quarantinedRows()).isEmpty();
    }

    @Test
    void failPolicyThrowsWithTheReport() {
        assertThatThrownBy(() -> checks().build().enforce(ratings(), NOW)).isInstanceOf(DataValidationException.class)
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("ratings: 5 of 8 expectations failed")
                .satisfies(e -> assertThat(((DataValidationException) e).report().failures()).hasSize(5));
    }

    @Test
    void quarantinePolicySetsBadRowsAsideWithTheirReasons() {
        Expectations checks = checks().quarantine().build();
        ValidationReport report = checks.validate(ratings(), NOW);
        Table clean = checks.enforce(ratings(), NOW);
        assertThat(clean.rowCount()).isEqualTo(2);
        assertThat(clean.row(0)).containsExactly(1L, "u1", 4.0, "drama", NOW.minusSeconds(3600));
        assertThat(clean.row(1).get(0)).isEqualTo(5L);
        assertThat(report.quarantinedRows()).hasValueSatisfying(q -> assertThat(q.rowCount()).isEqualTo(3));
        assertThat(report.reasons()).containsExactly("stars between 1 and 5",
                "rating_id unique; user_id not null; genre in [drama, comedy]",
                "rating_id unique; user_id matches u[0-9]+");
    }

    @Test
    void tableLevelFailuresFailEvenWhenQuarantining() {
        Expectations stale = Expectations.builder("ratings").freshness("rated_at", Duration.ofMinutes(1)).quarantine().build();
        assertThatThrownBy(() -> stale.enforce(ratings(), NOW.plus(Duration.ofHours(1))))
                .hasMessageContaining("rated_at fresher than PT1M ([newest is 2026-01-09T23:59:50Z])");
        Expectations tooFew = Expectations.builder("ratings").rowCount(10, 20).build();
        assertThatThrownBy(() -> tooFew.enforce(ratings(), NOW)).hasMessageContaining("row count between 10 and 20 ([5 rows])");
        Expectations wrongType = Expectations.builder("ratings").column("stars", c -> c.type(ColumnType.LONG)).build();
        assertThatThrownBy(() -> wrongType.enforce(ratings(), NOW)).hasMessageContaining("stars of type LONG ([type is DOUBLE])");
    }

    @Test
    void passingDataComesBackUnchanged() {
        Table good = ratings().filter(r -> r == 0);
        assertThat(checks().build().enforce(good, NOW)).isSameAs(good);
        assertThat(checks().build().validate(good, NOW).summary()).isEqualTo("ratings: all 8 expectations held on 1 rows");
    }

    @Test
    void rejectsBadExpectations() {
        assertThatThrownBy(() -> Expectations.builder("r").column("stars", c -> c.between(5, 1)))
                .hasMessage("expectations.stars.between must have min <= max, was '5.0..1.0'");
        assertThatThrownBy(() -> Expectations.builder("r").column("genre", c -> c.in()))
                .hasMessage("expectations.genre.in must list at least one value, was 'none'");
        assertThatThrownBy(() -> Expectations.builder("r").column("user_id", c -> c.matches("[")))
                .hasMessage("expectations.user_id.matches must be a regular expression, was '['");
        assertThatThrownBy(() -> Expectations.builder("r").rowCount(5, 1)).hasMessage("expectations.rowCount must be 0 <= min <= max, was '5..1'");
        assertThatThrownBy(() -> Expectations.builder("r").freshness("t", Duration.ZERO))
                .hasMessage("expectations.freshness maxAge must be positive, was 'PT0S'");
        assertThatThrownBy(() -> Expectations.builder("r").column("nope", c -> c.notNull()).build().validate(ratings(), NOW))
                .hasMessageStartingWith("column 'nope' not found");
    }
}
