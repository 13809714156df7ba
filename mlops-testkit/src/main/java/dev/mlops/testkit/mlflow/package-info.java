/**
 * An in-process server that speaks MLflow's REST API, for testing MLflow clients without Python:
 * {@link dev.mlops.testkit.mlflow.MlflowTestServer}, its {@link dev.mlops.testkit.mlflow.Fault}s and
 * the JUnit extension {@link dev.mlops.testkit.mlflow.MlflowExtension}.
 *
 * @since 0.1.0
 */
package dev.mlops.testkit.mlflow;
