package dev.mlops.api.model;

import dev.mlops.api.artifact.ArtifactRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One registered version of a model: its number (1, 2, 3... per model, without gaps), artifacts,
 * metrics, parameters, tags, signature, format, lineage, stage and the aliases that point at it.
 *
 * @param model the model name
 * @param version the version number, from 1
 * @param status whether its artifacts are in place
 * @param stage its stage
 * @param aliases the aliases pointing at it now, sorted
 * @param description what it is
 * @param tags free-form tags
 * @param params training parameters
 * @param metrics evaluation metrics
 * @param signature inputs and outputs, if known
 * @param format the framework or format, e.g. {@code djl}, {@code torchscript}
 * @param artifacts the stored model files
 * @param lineage where it came from
 * @param createdAt when it was registered
 * @param createdBy who registered it
 * @since 0.1.0
 */
public record ModelVersion(String model, int version, VersionStatus status, Stage stage, List<String> aliases,
        String description, Map<String, String> tags, Map<String, String> params, Map<String, Double> metrics,
        Optional<Signature> signature, String format, ArtifactRef artifacts, Lineage lineage, Instant createdAt,
        String createdBy) {
    /**
     * Copies the collections.
     *
     * @param model the model
     * @param version the number
     * @param status the status
     * @param stage the stage
     * @param aliases the aliases
     * @param description the description
     * @param tags the tags
     * @param params the parameters
     * @param metrics the metrics
     * @param signature the signature
     * @param format the format
     * @param artifacts the artifacts
     * @param lineage the lineage
     * @param createdAt the creation time
     * @param createdBy the creator
     */
    public ModelVersion {
        aliases = List.copyOf(aliases);
        tags = Map.copyOf(tags);
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
    }

    /**
     * A metric.
     *
     * @param name the metric name
     * @return its value, if recorded
     */
    public Optional<Double> metric(String name) {
        return Optional.ofNullable(metrics.get(name));
    }
}
