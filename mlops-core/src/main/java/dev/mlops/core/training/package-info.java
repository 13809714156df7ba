/**
 * Training DJL models on the PyTorch engine from the SDK's tables: {@link dev.mlops.core.training.TabularTrainer}
 * fits a small multi-layer perceptron with a seeded train/validation split, per-epoch metrics sent
 * to a tracking run, early stopping on the validation loss with the best weights kept, evaluation
 * metrics, and registration as a model version with its signature.
 */
package dev.mlops.core.training;
