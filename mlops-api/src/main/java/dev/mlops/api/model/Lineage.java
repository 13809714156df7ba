package dev.mlops.api.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a model version came from: the pipeline run and step that produced it, the fingerprints of
 * its training data, the feature views it used, the code version, and the SDK and Java versions.
 *
 * @param pipeline the pipeline, if a pipeline produced it
 * @param runId the pipeline run
 * @param step the step that trained it
 * @param trackingRunId the tracking run that recorded its training
 * @param data fingerprints (SHA-256) of the training data, by dataset name
 * @param features feature views used, as {@code name:version}
 * @param codeVersion the code version: a git commit or a value the host supplied
 * @param sdkVersion the SDK version that registered it
 * @param javaVersion the Java version that registered it
 * @since 0.1.0
 */
public record Lineage(Optional<String> pipeline, Optional<String> runId, Optional<String> step,
        Optional<String> trackingRunId, Map<String, String> data, List<String> features,
        Optional<String> codeVersion, String sdkVersion, String javaVersion) {
    /**
     * Copies the collections.
     *
     * @param pipeline the pipeline
     * @param runId the run
     * @param step the step
     * @param trackingRunId the tracking run
     * @param data data fingerprints
     * @param features feature views
     * @param codeVersion the code version
     * @param sdkVersion the SDK version
     * @param javaVersion the Java version
     */
    public Lineage {
        data = Map.copyOf(data);
        features = List.copyOf(features);
    }
}
