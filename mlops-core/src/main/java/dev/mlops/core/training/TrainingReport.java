package dev.mlops.core.training;

import java.util.List;
import java.util.Map;

/**
 * What a training run did: the loss of every epoch, the epoch whose weights were kept, whether it
 * stopped early, and the evaluation metrics on the validation rows.
 *
 * @param epochs one entry per epoch run
 * @param bestEpoch the epoch with the lowest validation loss, whose weights the model has
 * @param stoppedEarly whether the validation loss stopped improving before the last epoch
 * @param metrics {@code rmse} and {@code mae} for regression; {@code accuracy}, {@code auc} and
 *     {@code log_loss} for binary classification; on the validation rows
 * @since 0.1.0
 */
public record TrainingReport(List<Epoch> epochs, int bestEpoch, boolean stoppedEarly, Map<String, Double> metrics) {
    /**
     * Copies the collections.
     *
     * @param epochs the epochs
     * @param bestEpoch the best epoch
     * @param stoppedEarly whether it stopped early
     * @param metrics the metrics
     */
    public TrainingReport {
        epochs = List.copyOf(epochs);
        metrics = Map.copyOf(metrics);
    }

    /**
     * One epoch.
     *
     * @param epoch from 1
     * @param trainLoss the mean loss over the training rows after the epoch
     * @param validationLoss the mean loss over the validation rows after the epoch
     */
    public record Epoch(int epoch, double trainLoss, double validationLoss) {
    }
}
