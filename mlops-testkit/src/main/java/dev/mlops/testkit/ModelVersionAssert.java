package dev.mlops.testkit;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Stage;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a model version; start with {@link MlopsAssertions#assertThat(ModelVersion)}.
 *
 * <pre>{@code
 * assertThat(registry.versionByAlias("movie-rater", "champion").orElseThrow())
 *         .hasVersion(3).hasAlias("champion").hasMetric("rmse", 0.81).wasProducedBy("train-movie-rater", runId);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ModelVersionAssert extends AbstractAssert<ModelVersionAssert, ModelVersion> {

    ModelVersionAssert(ModelVersion actual) {
        super(actual, ModelVersionAssert.class);
    }

    /**
     * Checks the version number.
     *
     * @param version the expected number
     * @return this
     */
    public ModelVersionAssert hasVersion(int version) {
        isNotNull();
        if (actual.version() != version) {
            failWithMessage("Expected %s to be version %s but was %s", actual.model(), version, actual.version());
        }
        return this;
    }

    /**
     * Checks that an alias points at the version.
     *
     * @param alias the alias
     * @return this
     */
    public ModelVersionAssert hasAlias(String alias) {
        isNotNull();
        if (!actual.aliases().contains(alias)) {
            failWithMessage("Expected %s version %s to have alias <%s> but its aliases are %s", actual.model(),
                    actual.version(), alias, actual.aliases());
        }
        return this;
    }

    /**
     * Checks the stage.
     *
     * @param stage the expected stage
     * @return this
     */
    public ModelVersionAssert hasStage(Stage stage) {
        isNotNull();
        if (actual.stage() != stage) {
            failWithMessage("Expected %s version %s in stage %s but it is in %s", actual.model(), actual.version(), stage,
                    actual.stage());
        }
        return this;
    }

    /**
     * Checks a metric.
     *
     * @param name the metric
     * @param value the expected value
     * @return this
     */
    public ModelVersionAssert hasMetric(String name, double value) {
        isNotNull();
        if (!actual.metric(name).map(v -> Double.compare(v, value) == 0).orElse(false)) {
            failWithMessage("Expected %s version %s to have %s=%s but its metrics are %s", actual.model(), actual.version(),
                    name, value, actual.metrics());
        }
        return this;
    }

    /**
     * Checks the lineage: the pipeline run that produced the version.
     *
     * @param pipeline the pipeline
     * @param runId the run id
     * @return this
     */
    public ModelVersionAssert wasProducedBy(String pipeline, String runId) {
        isNotNull();
        if (!actual.lineage().pipeline().equals(Optional.of(pipeline))
                || !actual.lineage().runId().equals(Optional.of(runId))) {
            failWithMessage("Expected %s version %s to come from %s/%s but its lineage is %s", actual.model(),
                    actual.version(), pipeline, runId, actual.lineage());
        }
        return this;
    }
}
