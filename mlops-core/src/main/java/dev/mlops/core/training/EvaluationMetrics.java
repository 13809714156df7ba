package dev.mlops.core.training;

import dev.mlops.api.ValidationException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Evaluation metrics of predictions against labels: RMSE and MAE for regression; accuracy (at 0.5),
 * ROC AUC and log loss for binary classification, from predicted probabilities of the positive class.
 *
 * <pre>{@code
 * double rmse = EvaluationMetrics.rmse(predicted, actual);
 * double auc = EvaluationMetrics.auc(probabilities, labels);   // labels are 0 or 1
 * }</pre>
 *
 * @since 0.1.0
 */
public final class EvaluationMetrics {
    private static final double EPSILON = 1e-15;

    private EvaluationMetrics() {
    }

    /**
     * Root mean squared error.
     *
     * @param predicted the predictions
     * @param actual the labels, as many
     * @return the RMSE
     * @throws ValidationException if the arrays are empty or differ in length
     */
    public static double rmse(float[] predicted, float[] actual) {
        check(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            double d = predicted[i] - actual[i];
            sum += d * d;
        }
        return Math.sqrt(sum / predicted.length);
    }

    /**
     * Mean absolute error.
     *
     * @param predicted the predictions
     * @param actual the labels, as many
     * @return the MAE
     * @throws ValidationException if the arrays are empty or differ in length
     */
    public static double mae(float[] predicted, float[] actual) {
        check(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            sum += Math.abs(predicted[i] - actual[i]);
        }
        return sum / predicted.length;
    }

    /**
     * The share of probabilities on the right side of 0.5.
     *
     * @param probabilities predicted probabilities of the positive class
     * @param labels 0 or 1
     * @return the accuracy in [0, 1]
     * @throws ValidationException if the arrays are empty, differ in length, or a label is not 0 or 1
     */
    public static double accuracy(float[] probabilities, float[] labels) {
        checkBinary(probabilities, labels);
        long right = IntStream.range(0, labels.length).filter(i -> (probabilities[i] >= 0.5f) == (labels[i] == 1f)).count();
        return (double) right / labels.length;
    }

    /**
     * The area under the ROC curve: the chance that a random positive scores above a random
     * negative (ties count half), from the ranks of the scores.
     *
     * @param probabilities predicted probabilities (or any scores) of the positive class
     * @param labels 0 or 1, with both present
     * @return the AUC in [0, 1]
     * @throws ValidationException if the arrays are empty, differ in length, a label is not 0 or 1, or
     *     one class is missing
     */
    public static double auc(float[] probabilities, float[] labels) {
        checkBinary(probabilities, labels);
        Integer[] order = IntStream.range(0, labels.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> probabilities[i]));
        double[] ranks = new double[labels.length];
        for (int start = 0; start < order.length;) {
            int end = start;
            while (end + 1 < order.length && probabilities[order[end + 1]] == probabilities[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        long positives = IntStream.range(0, labels.length).filter(i -> labels[i] == 1f).count();
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new ValidationException("labels", "hold both classes for an AUC", positives == 0 ? "only 0" : "only 1");
        }
        double positiveRanks = IntStream.range(0, labels.length).filter(i -> labels[i] == 1f).mapToDouble(i -> ranks[i]).sum();
        return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Binary cross-entropy, probabilities clipped to [1e-15, 1 − 1e-15].
     *
     * @param probabilities predicted probabilities of the positive class
     * @param labels 0 or 1
     * @return the mean log loss
     * @throws ValidationException if the arrays are empty, differ in length, or a label is not 0 or 1
     */
    public static double logLoss(float[] probabilities, float[] labels) {
        checkBinary(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double p = Math.min(Math.max(probabilities[i], EPSILON), 1 - EPSILON);
            sum -= labels[i] == 1f ? Math.log(p) : Math.log(1 - p);
        }
        return sum / labels.length;
    }

    private static void check(float[] predicted, float[] actual) {
        if (predicted.length == 0 || predicted.length != actual.length) {
            throw new ValidationException("predictions and labels", "be non-empty and as many",
                    predicted.length + " and " + actual.length);
        }
    }

    private static void checkBinary(float[] probabilities, float[] labels) {
        check(probabilities, labels);
        for (float label : labels) {
            if (label != 0f && label != 1f) {
                throw new ValidationException("label", "be 0 or 1", label);
            }
        }
    }
}
