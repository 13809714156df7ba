package dev.mlops.core.serving;

import dev.mlops.api.model.ModelVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a registered version's verified artifacts into predictors, one per endpoint worker.
 *
 * <pre>{@code
 * ModelLoader<float[], Float> loader = TrainedModel.servingLoader();
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 * @since 0.1.0
 */
@FunctionalInterface
public interface ModelLoader<I, O> {
    /**
     * Loads a version.
     *
     * @param version the version
     * @param artifacts its artifacts, downloaded and verified
     * @return the loaded model
     * @throws Exception if it cannot be loaded
     */
    Loaded<I, O> load(ModelVersion version, Path artifacts) throws Exception;

    /**
     * A loaded model that makes predictors.
     *
     * @param <I> the input type
     * @param <O> the output type
     */
    interface Loaded<I, O> extends AutoCloseable {
        /**
         * Makes a predictor for one worker thread.
         *
         * @return the predictor
         */
        BatchPredictor<I, O> newPredictor();

        /**
         * Checks one input when it is submitted, so that a bad request fails alone instead of
         * failing its batch.
         *
         * @param input the input
         * @throws dev.mlops.api.ValidationException naming what is wrong
         */
        default void check(I input) {
        }

        /** Frees the model, after every predictor it made. */
        @Override
        void close();
    }

    /**
     * Predicts a batch; used by one thread at a time.
     *
     * @param <I> the input type
     * @param <O> the output type
     */
    @FunctionalInterface
    interface BatchPredictor<I, O> extends AutoCloseable {
        /**
         * Predicts every input.
         *
         * @param inputs the batch
         * @return one output per input, in order
         * @throws Exception if the model fails
         */
        List<O> predict(List<I> inputs) throws Exception;

        /** Frees the predictor; nothing by default. */
        @Override
        default void close() {
        }
    }
}
