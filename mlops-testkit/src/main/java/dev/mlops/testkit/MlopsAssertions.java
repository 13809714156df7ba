package dev.mlops.testkit;

import dev.mlops.api.data.ValidationReport;
import dev.mlops.api.event.Event;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.tracking.RunInfo;
import org.assertj.core.api.Assertions;

/**
 * The AssertJ entry point for SDK types; it extends {@link Assertions}, so one static import gives
 * both the SDK's and AssertJ's own {@code assertThat}.
 *
 * <pre>{@code
 * import static dev.mlops.testkit.MlopsAssertions.assertThat;
 *
 * assertThat(events).hasPublished(EventTypes.PLATFORM_STARTED);
 * assertThat(event).hasType("com.acme.ratings.arrived").hasData("rows", 3);
 * assertThat(run).succeeded().step("train").hasAttempts(2);
 * assertThat(List.of(1, 2)).hasSize(2);   // plain AssertJ still works
 * }</pre>
 *
 * @since 0.1.0
 */
public class MlopsAssertions extends Assertions {

    /** Only for subclasses that add entry points of their own. */
    protected MlopsAssertions() {
    }

    /**
     * Starts assertions on an event.
     *
     * @param actual the event
     * @return the assertions
     */
    public static EventAssert assertThat(Event actual) {
        return new EventAssert(actual);
    }

    /**
     * Starts assertions on a pipeline run.
     *
     * @param actual the run
     * @return the assertions
     */
    public static PipelineRunAssert assertThat(PipelineRun actual) {
        return new PipelineRunAssert(actual);
    }

    /**
     * Starts assertions on an online feature vector.
     *
     * @param actual the vector
     * @return the assertions
     */
    public static FeatureVectorAssert assertThat(FeatureVector actual) {
        return new FeatureVectorAssert(actual);
    }

    /**
     * Assertions on a serving endpoint's answer.
     *
     * @param actual the prediction
     * @return the assertion
     */
    public static PredictionAssert assertThat(Prediction<?> actual) {
        return new PredictionAssert(actual);
    }

    /**
     * Starts assertions on a model version.
     *
     * @param actual the version
     * @return the assertions
     */
    public static ModelVersionAssert assertThat(ModelVersion actual) {
        return new ModelVersionAssert(actual);
    }

    /**
     * Starts assertions on a tracking run.
     *
     * @param actual the run's record
     * @return the assertions
     */
    public static RunInfoAssert assertThat(RunInfo actual) {
        return new RunInfoAssert(actual);
    }

    /**
     * Starts assertions on what a recording bus accepted.
     *
     * @param actual the bus
     * @return the assertions
     */
    public static RecordingEventBusAssert assertThat(RecordingEventBus actual) {
        return new RecordingEventBusAssert(actual);
    }

    /**
     * Starts assertions on a data validation report.
     *
     * @param actual the report
     * @return the assertions
     */
    public static ValidationReportAssert assertThat(ValidationReport actual) {
        return new ValidationReportAssert(actual);
    }

    /**
     * Starts assertions on a drift report.
     *
     * @param actual the report
     * @return the assertions
     */
    public static DriftReportAssert assertThat(DriftReport actual) {
        return new DriftReportAssert(actual);
    }

    /**
     * Starts assertions on a promotion decision.
     *
     * @param actual the decision
     * @return the assertions
     */
    public static PromotionDecisionAssert assertThat(PromotionDecision actual) {
        return new PromotionDecisionAssert(actual);
    }
}
