package dev.mlops.testkit;

import dev.mlops.api.model.PromotionDecision;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a promotion decision; start with {@link MlopsAssertions#assertThat(PromotionDecision)}.
 *
 * <pre>{@code
 * assertThat(registry.promote("movie-rater", 3, "champion", policy, "ci"))
 *         .wasRejected().hasReasonContaining("approval");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PromotionDecisionAssert extends AbstractAssert<PromotionDecisionAssert, PromotionDecision> {

    PromotionDecisionAssert(PromotionDecision actual) {
        super(actual, PromotionDecisionAssert.class);
    }

    /**
     * Checks that every gate passed and the alias moved.
     *
     * @return this
     */
    public PromotionDecisionAssert wasPromoted() {
        isNotNull();
        if (!actual.promoted()) {
            failWithMessage("Expected %s version %s to be promoted to <%s> but: %s", actual.model(), actual.version(),
                    actual.alias(), actual.reasons());
        }
        return this;
    }

    /**
     * Checks that a gate failed and the alias stayed.
     *
     * @return this
     */
    public PromotionDecisionAssert wasRejected() {
        isNotNull();
        if (actual.promoted()) {
            failWithMessage("Expected %s version %s to be rejected for <%s> but every gate passed", actual.model(),
                    actual.version(), actual.alias());
        }
        return this;
    }

    /**
     * Checks that a failed gate gave a reason containing a text.
     *
     * @param text part of the reason
     * @return this
     */
    public PromotionDecisionAssert hasReasonContaining(String text) {
        isNotNull();
        if (actual.reasons().stream().noneMatch(r -> r.contains(text))) {
            failWithMessage("Expected a reason containing <%s> but the reasons are %s", text, actual.reasons());
        }
        return this;
    }
}
