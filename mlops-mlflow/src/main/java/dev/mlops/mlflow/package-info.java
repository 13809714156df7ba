/**
 * The MLflow module: the model registry and experiment tracking on an MLflow tracking server over
 * its REST API, with no Python on the client, so that teams that already run MLflow keep their UI
 * and history. It plugs into the platform through the core's service-loader SPIs; the core never
 * sees it.
 *
 * @since 0.1.0
 */
package dev.mlops.mlflow;
