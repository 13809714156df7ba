package dev.mlops.testkit;

import dev.mlops.api.Checks;
import dev.mlops.api.data.Table;
import dev.mlops.core.training.TabularTrainer;
import dev.mlops.core.training.TrainedModel;

/**
 * Real DJL models small enough to train in a test in well under a second: a perceptron with 8
 * hidden units on the features {@code a} and {@code b} of {@link SyntheticData}. They register,
 * serve and monitor like any trained model; close them after use.
 *
 * <pre>{@code
 * try (TrainedModel model = TinyModels.linear()) {           // learns y = 2a − b
 *     ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
 *     // an endpoint with TrainedModel.servingLoader() answers about 2·a − b
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TinyModels {
    private TinyModels() {
    }

    /**
     * A model of {@code y = 2a − b}.
     *
     * @return the trained model
     */
    public static TrainedModel linear() {
        return linear(2.0);
    }

    /**
     * A model of {@code y = scale·a − b}, so that two versions answer visibly differently.
     *
     * @param scale the weight of {@code a}
     * @return the trained model
     */
    public static TrainedModel linear(double scale) {
        return fit(SyntheticData.linear(300, 1, scale, 0.0));
    }

    /**
     * Trains the tiny perceptron on a table of {@code a}, {@code b} and {@code y}.
     *
     * @param rows the training rows
     * @return the trained model
     */
    public static TrainedModel fit(Table rows) {
        Checks.notNull("rows", rows);
        return TabularTrainer.builder().features("a", "b").label("y").hidden(8).epochs(20).seed(3).build().fit(rows);
    }
}
