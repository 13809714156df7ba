package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.data.ValidationReport;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.DriftTest;
import dev.mlops.api.monitor.FeatureDrift;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The assertions on validation reports, drift reports and promotion decisions pass on matches and name what differed. */
class ReportAssertionsTest {
    private final ValidationReport failing = new ValidationReport("movies", 10, List.of(
            new ValidationReport.Result("not_null", Optional.of("title"), 3, List.of("row 2"), true),
            new ValidationReport.Result("unique", Optional.of("id"), 0, List.of(), true)), null, List.of());
    private final DriftReport drift = new DriftReport(Instant.parse("2026-01-01T00:00:00Z"), List.of(
            new FeatureDrift("vote_average", DriftTest.KS, 0.001, 0.05, true, 100, 100),
            new FeatureDrift("genre", DriftTest.CHI_SQUARED, 0.7, 0.05, false, 100, 100)), 0.5, 0.5, true);
    private final PromotionDecision rejected = new PromotionDecision("movie-rater", 3, "champion", false, List.of(
            new PromotionDecision.Gate("1 approval", false, "0 distinct approvers")));

    @Test
    void validationReports() {
        assertThat(failing).failed("not_null", "title").hasFailedRows("not_null", 3).hasQuarantined(0);
        assertThatThrownBy(() -> assertThat(failing).passed()).hasMessageStartingWith("Expected movies to pass every expectation");
        assertThatThrownBy(() -> assertThat(failing).failed("unique", "id"))
                .hasMessageStartingWith("Expected movies to fail <unique> on column <id>");
        assertThatThrownBy(() -> assertThat(failing).hasFailedRows("not_null", 2))
                .hasMessage("Expected <not_null> to fail on 2 rows of movies but it failed on 3");
    }

    @Test
    void driftReports() {
        assertThat(drift).hasDrift().hasDrifted("vote_average").hasNotDrifted("genre");
        assertThatThrownBy(() -> assertThat(drift).hasNoDrift())
                .hasMessage("Expected no drift but 0.5 of the features drifted (threshold 0.5): [vote_average]");
        assertThatThrownBy(() -> assertThat(drift).hasDrifted("genre"))
                .hasMessage("Expected <genre> to have drifted but CHI_SQUARED scored 0.7 against threshold 0.05");
        assertThatThrownBy(() -> assertThat(drift).hasNotDrifted("popularity"))
                .hasMessage("Expected the report to cover <popularity> but it covers [vote_average, genre]");
    }

    @Test
    void promotionDecisions() {
        assertThat(rejected).wasRejected().hasReasonContaining("distinct approvers");
        assertThatThrownBy(() -> assertThat(rejected).wasPromoted())
                .hasMessage("Expected movie-rater version 3 to be promoted to <champion> but: [1 approval: 0 distinct approvers]");
        assertThatThrownBy(() -> assertThat(rejected).hasReasonContaining("rmse"))
                .hasMessage("Expected a reason containing <rmse> but the reasons are [1 approval: 0 distinct approvers]");
    }
}
