package dev.mlops.api.feature;

import java.util.List;

/**
 * What {@link FeatureStore#apply} would change: one entry per definition that differs from the
 * store, each compatible or breaking.
 *
 * <pre>{@code
 * FeaturePlan plan = mlops.features().plan(repo);
 * plan.changes().forEach(c -> System.out.println(c));   // CHANGED feature view user_stats@1: ttl P7D -> P14D
 * if (plan.breaking()) throw new IllegalStateException(plan.toString());
 * }</pre>
 *
 * @param changes the differences, entities first, then views, then services
 * @since 0.1.0
 */
public record FeaturePlan(List<Change> changes) {
    /**
     * Copies the list.
     *
     * @param changes the changes
     */
    public FeaturePlan {
        changes = List.copyOf(changes);
    }

    /** What happens to a definition. */
    public enum Action {
        /** It is new. */
        ADDED,
        /** It exists with other settings. */
        CHANGED,
        /** It exists in the store but not in the definitions. */
        REMOVED
    }

    /**
     * One difference.
     *
     * @param kind {@code entity}, {@code feature view} or {@code feature service}
     * @param name the name (views with their version, {@code user_stats@2})
     * @param action what happens
     * @param breaking whether readers of the old definition would break (for views: a new version is needed)
     * @param details what differs, e.g. {@code "ttl P7D -> P14D"}
     */
    public record Change(String kind, String name, Action action, boolean breaking, List<String> details) {
        /**
         * Copies the details.
         *
         * @param kind the kind
         * @param name the name
         * @param action the action
         * @param breaking whether it breaks readers
         * @param details what differs
         */
        public Change {
            details = List.copyOf(details);
        }

        @Override
        public String toString() {
            return action + (breaking ? " (breaking)" : "") + " " + kind + " " + name
                    + (details.isEmpty() ? "" : ": " + String.join("; ", details));
        }
    }

    /**
     * Tells whether applying would change nothing.
     *
     * @return {@code true} if there are no changes
     */
    public boolean empty() {
        return changes.isEmpty();
    }

    /**
     * Tells whether any change is breaking.
     *
     * @return {@code true} if {@link FeatureStore#apply} would refuse these definitions
     */
    public boolean breaking() {
        return changes.stream().anyMatch(Change::breaking);
    }

    @Override
    public String toString() {
        return changes.isEmpty() ? "no changes" : String.join("\n", changes.stream().map(Change::toString).toList());
    }
}
