package dev.mlops.api.model;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to register as a new version, given to {@link ModelRegistry#createVersion}. Each setter checks
 * its value; the registry checks that model and artifacts are set.
 *
 * <pre>{@code
 * registry.createVersion(v -> v
 *         .model("movie-rater")
 *         .artifacts(Path.of("build/model"))
 *         .format("djl")
 *         .metric("rmse", 0.81).param("epochs", "10")
 *         .pipelineRun("train-movie-rater", ctx.runId(), ctx.step())
 *         .data("ratings", ratingsFingerprint)
 *         .by("training-pipeline"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class VersionSpec {
    private @Nullable String model;
    private @Nullable Path artifacts;
    private String description = "";
    private String format = "unknown";
    private String actor = "unknown";
    private @Nullable Signature signature;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> data = new LinkedHashMap<>();
    private final List<String> features = new ArrayList<>();
    private @Nullable String pipeline;
    private @Nullable String runId;
    private @Nullable String step;
    private @Nullable String trackingRunId;
    private @Nullable String codeVersion;

    /** Creates an empty spec; the registry passes it to the caller's configurer. */
    public VersionSpec() {
    }

    /**
     * Names the model; it is registered if it does not exist yet.
     *
     * @param name a valid {@link Name}
     * @return this spec
     */
    public VersionSpec model(String name) {
        this.model = Name.check("version.model", name);
        return this;
    }

    /**
     * Sets the model files: a file or a directory, stored in the registry's artifact store.
     *
     * @param path an existing file or directory
     * @return this spec
     */
    public VersionSpec artifacts(Path path) {
        this.artifacts = Checks.notNull("version.artifacts", path);
        return this;
    }

    /**
     * Describes the version.
     *
     * @param text at most 5,000 characters
     * @return this spec
     */
    public VersionSpec description(String text) {
        Checks.notNull("version.description", text);
        if (text.length() > 5000) {
            throw new ValidationException("version.description", "be at most 5000 characters long", text);
        }
        this.description = text;
        return this;
    }

    /**
     * Names the framework or format of the artifacts.
     *
     * @param format e.g. {@code djl}, {@code torchscript}, {@code onnx}
     * @return this spec
     */
    public VersionSpec format(String format) {
        this.format = Checks.text("version.format", format, 50);
        return this;
    }

    /**
     * Names who registers the version, for the audit trail.
     *
     * @param actor a user or service name
     * @return this spec
     */
    public VersionSpec by(String actor) {
        this.actor = Checks.text("version.by", actor, 200);
        return this;
    }

    /**
     * Sets the signature.
     *
     * @param signature inputs and outputs
     * @return this spec
     */
    public VersionSpec signature(Signature signature) {
        this.signature = Checks.notNull("version.signature", signature);
        return this;
    }

    /**
     * Adds a tag.
     *
     * @param key a non-blank key
     * @param value the value
     * @return this spec
     */
    public VersionSpec tag(String key, String value) {
        tags.put(Checks.text("version.tag key", key, 250), Checks.text("version.tag " + key, value, 5000));
        return this;
    }

    /**
     * Adds a training parameter.
     *
     * @param key a non-blank key
     * @param value the value
     * @return this spec
     */
    public VersionSpec param(String key, String value) {
        params.put(Checks.text("version.param key", key, 250), Checks.text("version.param " + key, value, 5000));
        return this;
    }

    /**
     * Adds a metric.
     *
     * @param key a non-blank key
     * @param value a finite number
     * @return this spec
     */
    public VersionSpec metric(String key, double value) {
        Checks.text("version.metric key", key, 250);
        if (!Double.isFinite(value)) {
            throw new ValidationException("version.metric " + key, "be a finite number", value);
        }
        metrics.put(key, value);
        return this;
    }

    /**
     * Records the pipeline run and step that produced the version.
     *
     * @param pipelineName the pipeline
     * @param run the run id
     * @param stepName the step
     * @return this spec
     */
    public VersionSpec pipelineRun(String pipelineName, String run, String stepName) {
        this.pipeline = Name.check("version.pipeline", pipelineName);
        this.runId = Name.check("version.runId", run);
        this.step = Name.check("version.step", stepName);
        return this;
    }

    /**
     * Records the tracking run of the training.
     *
     * @param id the tracking run id
     * @return this spec
     */
    public VersionSpec trackingRun(String id) {
        this.trackingRunId = Checks.text("version.trackingRun", id, 200);
        return this;
    }

    /**
     * Records a training dataset by fingerprint.
     *
     * @param dataset the dataset name
     * @param sha256 its fingerprint, 64 hex digits
     * @return this spec
     */
    public VersionSpec data(String dataset, String sha256) {
        Checks.text("version.data name", dataset, 250);
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new ValidationException("version.data " + dataset, "be a SHA-256 fingerprint (64 lowercase hex digits)", sha256);
        }
        data.put(dataset, sha256);
        return this;
    }

    /**
     * Records a feature view used, as {@code name:version}.
     *
     * @param view e.g. {@code user_stats:3}
     * @return this spec
     */
    public VersionSpec feature(String view) {
        features.add(Checks.text("version.feature", view, 250));
        return this;
    }

    /**
     * Sets the code version; by default the git commit of the working directory, when there is one.
     *
     * @param version e.g. a commit hash or a build number
     * @return this spec
     */
    public VersionSpec codeVersion(String version) {
        this.codeVersion = Checks.text("version.codeVersion", version, 200);
        return this;
    }

    /**
     * The model name.
     *
     * @return the name, or {@code null} if not set
     */
    public @Nullable String model() {
        return model;
    }

    /**
     * The artifacts path.
     *
     * @return the path, or {@code null} if not set
     */
    public @Nullable Path artifacts() {
        return artifacts;
    }

    /**
     * The description.
     *
     * @return the text, empty by default
     */
    public String description() {
        return description;
    }

    /**
     * The format.
     *
     * @return the format, {@code unknown} by default
     */
    public String format() {
        return format;
    }

    /**
     * Who registers the version.
     *
     * @return the actor, {@code unknown} by default
     */
    public String actor() {
        return actor;
    }

    /**
     * The signature.
     *
     * @return the signature, or {@code null}
     */
    public @Nullable Signature signature() {
        return signature;
    }

    /**
     * The tags.
     *
     * @return tags by key
     */
    public Map<String, String> tags() {
        return tags;
    }

    /**
     * The parameters.
     *
     * @return parameters by key
     */
    public Map<String, String> params() {
        return params;
    }

    /**
     * The metrics.
     *
     * @return metrics by key
     */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /**
     * The lineage given so far; the registry adds SDK and Java versions and, if not given, the
     * code version.
     *
     * @param sdkVersion the SDK version
     * @param javaVersion the Java version
     * @param defaultCodeVersion the code version to use when none was given, or {@code null}
     * @return the lineage
     */
    public Lineage lineage(String sdkVersion, String javaVersion, @Nullable String defaultCodeVersion) {
        return new Lineage(Optional.ofNullable(pipeline), Optional.ofNullable(runId),
                Optional.ofNullable(step), Optional.ofNullable(trackingRunId), data, features,
                Optional.ofNullable(codeVersion != null ? codeVersion : defaultCodeVersion), sdkVersion,
                javaVersion);
    }
}
