package dev.mlops.api.model;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The gates a version must pass before an alias moves to it: metric thresholds, beating the
 * current holder of the alias by a minimum margin, and a number of approvals from distinct people.
 *
 * <pre>{@code
 * PromotionPolicy policy = PromotionPolicy.builder()
 *         .metricAtMost("rmse", 0.90)
 *         .beatChampion("rmse", Goal.MINIMIZE, 0.01)   // at least 0.01 lower than the champion's
 *         .requireApprovals(1)
 *         .build();
 * PromotionDecision d = registry.promote("movie-rater", 7, "champion", policy, "ci");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PromotionPolicy {
    /** Which way a metric improves. */
    public enum Goal {
        /** Lower is better (errors, losses). */
        MINIMIZE,
        /** Higher is better (accuracy, recall). */
        MAXIMIZE
    }

    private final List<Rule> rules;

    private PromotionPolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Starts a policy.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks a candidate.
     *
     * @param candidate the version to promote
     * @param champion the version the alias points at now, if any
     * @param approvals the candidate's approvals
     * @return one verdict per gate
     */
    public List<PromotionDecision.Gate> evaluate(ModelVersion candidate, Optional<ModelVersion> champion,
            List<Approval> approvals) {
        List<PromotionDecision.Gate> gates = new ArrayList<>();
        for (Rule rule : rules) {
            gates.add(rule.check(candidate, champion, approvals));
        }
        return gates;
    }

    /** One gate. */
    @FunctionalInterface
    private interface Rule {
        PromotionDecision.Gate check(ModelVersion candidate, Optional<ModelVersion> champion, List<Approval> approvals);
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.6g", d).replaceAll("\\.?0+(e|$)", "$1");
    }

    /**
     * Builds a {@link PromotionPolicy}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Requires a metric at or below a threshold.
         *
         * @param metric the metric name
         * @param max the highest value allowed
         * @return this builder
         */
        public Builder metricAtMost(String metric, double max) {
            return threshold(metric, max, true);
        }

        /**
         * Requires a metric at or above a threshold.
         *
         * @param metric the metric name
         * @param min the lowest value allowed
         * @return this builder
         */
        public Builder metricAtLeast(String metric, double min) {
            return threshold(metric, min, false);
        }

        /**
         * Requires the candidate to improve on the alias's current version by at least {@code minDelta}
         * on a metric; passes when the alias is not set yet.
         *
         * @param metric the metric name
         * @param goal which way it improves
         * @param minDelta the smallest improvement that counts, zero or more
         * @return this builder
         */
        public Builder beatChampion(String metric, Goal goal, double minDelta) {
            Checks.text("policy.metric", metric, 250);
            Checks.notNull("policy.goal", goal);
            if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
                throw new ValidationException("policy.minDelta", "be a finite number, zero or more", minDelta);
            }
            String name = metric + " beats the champion by " + number(minDelta);
            rules.add((candidate, champion, approvals) -> {
                Optional<Double> mine = candidate.metric(metric);
                if (mine.isEmpty()) {
                    return new PromotionDecision.Gate(name, false, "the candidate has no metric '" + metric + "'");
                }
                if (champion.isEmpty()) {
                    return new PromotionDecision.Gate(name, true, "there is no champion yet");
                }
                Optional<Double> theirs = champion.get().metric(metric);
                if (theirs.isEmpty()) {
                    return new PromotionDecision.Gate(name, true, "the champion (version " + champion.get().version()
                            + ") has no metric '" + metric + "'");
                }
                double improvement = goal == Goal.MINIMIZE ? theirs.get() - mine.get() : mine.get() - theirs.get();
                String reason = "candidate " + number(mine.get()) + " vs champion (version " + champion.get().version()
                        + ") " + number(theirs.get()) + ", improvement " + number(improvement);
                return new PromotionDecision.Gate(name, improvement >= minDelta, reason);
            });
            return this;
        }

        /**
         * Requires approvals from at least {@code count} distinct people.
         *
         * @param count between 1 and 100
         * @return this builder
         */
        public Builder requireApprovals(int count) {
            Checks.inRange("policy.approvals", count, 1, 100);
            String name = count + " approval" + (count == 1 ? "" : "s");
            rules.add((candidate, champion, approvals) -> {
                long distinct = approvals.stream().map(Approval::approver).distinct().count();
                return new PromotionDecision.Gate(name, distinct >= count, distinct + " distinct approver"
                        + (distinct == 1 ? "" : "s") + (distinct == 0 ? "" : ": " + approvals.stream()
                        .map(Approval::approver).distinct().toList()));
            });
            return this;
        }

        /**
         * Creates the policy.
         *
         * @return the policy
         * @throws ValidationException if it has no gate
         */
        public PromotionPolicy build() {
            if (rules.isEmpty()) {
                throw new ValidationException("policy", "have at least one gate", "none");
            }
            return new PromotionPolicy(rules);
        }

        private Builder threshold(String metric, double bound, boolean atMost) {
            Checks.text("policy.metric", metric, 250);
            if (!Double.isFinite(bound)) {
                throw new ValidationException("policy." + metric, "be a finite number", bound);
            }
            String name = metric + (atMost ? " <= " : " >= ") + number(bound);
            rules.add((candidate, champion, approvals) -> candidate.metric(metric)
                    .map(v -> new PromotionDecision.Gate(name, atMost ? v <= bound : v >= bound, "was " + number(v)))
                    .orElse(new PromotionDecision.Gate(name, false, "the candidate has no metric '" + metric + "'")));
            return this;
        }
    }
}
