package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;

/**
 * One feature of one version of a view.
 *
 * @param view the view name
 * @param version the view version
 * @param feature the field name
 * @since 0.1.0
 */
public record FeatureRef(String view, int version, String feature) {
    /**
     * Checks the reference.
     *
     * @param view the view
     * @param version the version
     * @param feature the field
     */
    public FeatureRef {
        Name.check("feature ref view", view);
        Checks.inRange("feature ref version", version, 1, 1_000_000);
        Name.check("feature ref feature", feature);
    }

    /**
     * The full feature name, as training data columns are named.
     *
     * @return e.g. {@code user_stats__avg_rating}
     */
    public String fullName() {
        return view + "__" + feature;
    }

    @Override
    public String toString() {
        return view + "@" + version + ":" + feature;
    }
}
