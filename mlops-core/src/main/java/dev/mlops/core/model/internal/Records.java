package dev.mlops.core.model.internal;

import dev.mlops.api.Nullable;
import dev.mlops.api.artifact.ArtifactRef;
import dev.mlops.api.model.Lineage;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.model.Signature;
import dev.mlops.api.model.Stage;
import dev.mlops.api.model.VersionStatus;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of the registry's files. */
public final class Records {
    private Records() {
    }

    /** {@code model.json}. */
    public record ModelRecord(String name, String description, Map<String, String> tags, String createdAt) {
    }

    /** {@code history.jsonl}, one per line. */
    public record ChangeRecord(String kind, String subject, @Nullable String from, @Nullable String to, String actor,
            String at) {
    }

    /** {@code versions/<n>.json}. */
    public record VersionRecord(String model, int version, String status, String stage, String description,
            Map<String, String> tags, Map<String, String> params, Map<String, Double> metrics,
            @Nullable Signature signature, String format, String artifactUri, String sha256, long size,
            boolean directory, @Nullable String pipeline, @Nullable String runId, @Nullable String step,
            @Nullable String trackingRunId, Map<String, String> data, List<String> features,
            @Nullable String codeVersion, String sdkVersion, String javaVersion, String createdAt, String createdBy) {

        /** The record of a new version. */
        public static VersionRecord of(String model, int version, Stage stage, String description,
                Map<String, String> tags, Map<String, String> params, Map<String, Double> metrics,
                @Nullable Signature signature, String format, ArtifactRef artifacts, Lineage lineage, Instant at,
                String actor) {
            return new VersionRecord(model, version, VersionStatus.READY.name(), stage.name(), description, tags, params,
                    metrics, signature, format, artifacts.uri().toString(), artifacts.sha256(), artifacts.size(),
                    artifacts.directory(), lineage.pipeline().orElse(null), lineage.runId().orElse(null),
                    lineage.step().orElse(null), lineage.trackingRunId().orElse(null), lineage.data(), lineage.features(),
                    lineage.codeVersion().orElse(null), lineage.sdkVersion(), lineage.javaVersion(), at.toString(), actor);
        }

        /** The same version in another stage. */
        public VersionRecord withStage(Stage newStage) {
            return new VersionRecord(model, version, status, newStage.name(), description, tags, params, metrics,
                    signature, format, artifactUri, sha256, size, directory, pipeline, runId, step, trackingRunId, data,
                    features, codeVersion, sdkVersion, javaVersion, createdAt, createdBy);
        }

        /** The API view, with the aliases pointing at it. */
        public ModelVersion toVersion(List<String> aliases) {
            return new ModelVersion(model, version, VersionStatus.valueOf(status), Stage.valueOf(stage), aliases,
                    description, tags, params, metrics, Optional.ofNullable(signature), format,
                    new ArtifactRef(URI.create(artifactUri), sha256, size, directory),
                    new Lineage(Optional.ofNullable(pipeline), Optional.ofNullable(runId), Optional.ofNullable(step),
                            Optional.ofNullable(trackingRunId), data, features, Optional.ofNullable(codeVersion),
                            sdkVersion, javaVersion),
                    Instant.parse(createdAt), createdBy);
        }
    }
}
