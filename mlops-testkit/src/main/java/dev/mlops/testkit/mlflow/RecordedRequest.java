package dev.mlops.testkit.mlflow;

import dev.mlops.api.Nullable;

/**
 * One request an {@link MlflowTestServer} received, in arrival order, including those that a
 * fault failed or that were refused for missing credentials.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the decoded path, e.g. {@code /api/2.0/mlflow/runs/create}
 * @param query the raw query string, or {@code null} without one
 * @since 0.1.0
 */
public record RecordedRequest(String method, String path, @Nullable String query) {
}
