package dev.mlops.api.model;

import dev.mlops.api.Checks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Registered models and their versions, aliases and stages, with an audit trail. An SPI: the core
 * keeps it under the platform home; mlops-mlflow keeps it on an MLflow server. Both pass the same
 * compatibility kit.
 *
 * <pre>{@code
 * ModelRegistry registry = mlops.registry();
 * ModelVersion v = registry.createVersion(s -> s.model("movie-rater").artifacts(dir).metric("rmse", 0.81));
 * registry.setAlias("movie-rater", "champion", v.version(), "ana");
 * ModelVersion serving = registry.versionByAlias("movie-rater", "champion").orElseThrow();
 * registry.downloadArtifacts(serving, Path.of("/tmp/model"));
 * }</pre>
 *
 * @since 0.1.0
 */
public interface ModelRegistry {
    /**
     * Registers a model, or updates its description and tags if it exists (a no-op when unchanged).
     *
     * @param name a valid {@link dev.mlops.api.Name}
     * @param description what it is for
     * @param tags free-form tags
     * @return the model
     */
    RegisteredModel registerModel(String name, String description, Map<String, String> tags);

    /**
     * A model by name.
     *
     * @param name the model name
     * @return the model, if registered
     */
    Optional<RegisteredModel> model(String name);

    /**
     * Every registered model, by name.
     *
     * @return the models
     */
    List<RegisteredModel> models();

    /**
     * Stores the artifacts and registers the next version of the model (registering the model first
     * if needed). Version numbers are unique and gapless per model, even across JVMs sharing a home.
     *
     * @param spec sets model, artifacts, metrics, parameters, tags, signature, format, lineage
     * @return the new version
     * @throws dev.mlops.api.ValidationException if model or artifacts are missing or invalid; nothing is registered then
     */
    ModelVersion createVersion(Consumer<VersionSpec> spec);

    /**
     * One version.
     *
     * @param model the model name
     * @param version the version number
     * @return the version
     * @throws dev.mlops.api.NotFoundException if there is no such model or version
     */
    ModelVersion version(String model, int version);

    /**
     * The version an alias points at.
     *
     * @param model the model name
     * @param alias e.g. {@code champion}
     * @return the version, if the alias is set
     */
    Optional<ModelVersion> versionByAlias(String model, String alias);

    /**
     * The highest version.
     *
     * @param model the model name
     * @return the version, if the model has any
     */
    Optional<ModelVersion> latestVersion(String model);

    /**
     * Every version of a model, oldest first.
     *
     * @param model the model name
     * @return the versions
     */
    List<ModelVersion> versions(String model);

    /**
     * Points an alias at a version (moving it if it pointed elsewhere), records the change and
     * publishes {@code dev.mlops.model.alias.changed}.
     *
     * @param model the model name
     * @param alias a valid {@link dev.mlops.api.Name}
     * @param version an existing version
     * @param actor who makes the change
     * @return the version the alias now points at
     */
    ModelVersion setAlias(String model, String alias, int version, String actor);

    /**
     * Removes an alias, records the change and publishes {@code dev.mlops.model.alias.changed}.
     *
     * @param model the model name
     * @param alias the alias
     * @param actor who makes the change
     * @throws dev.mlops.api.NotFoundException if the alias is not set
     */
    void deleteAlias(String model, String alias, String actor);

    /**
     * Moves a version to a stage, records the change and publishes {@code dev.mlops.model.stage.changed}.
     *
     * @param model the model name
     * @param version the version
     * @param stage the new stage
     * @param actor who makes the change
     * @return the updated version
     */
    ModelVersion transitionStage(String model, int version, Stage stage, String actor);

    /**
     * The audit trail of a model, oldest first.
     *
     * @param model the model name
     * @return every change
     */
    List<RegistryChange> history(String model);

    /**
     * Searches versions of every model.
     *
     * @param query filter, order and page
     * @return one page of matching versions
     */
    VersionPage search(VersionQuery query);

    /**
     * Records an approval of a version, for promotion gates.
     *
     * @param model the model name
     * @param version the version
     * @param approver who approves
     * @param comment why
     * @return the approval
     */
    Approval approve(String model, int version, String approver, String comment);

    /**
     * The approvals of a version, oldest first.
     *
     * @param model the model name
     * @param version the version
     * @return the approvals
     */
    List<Approval> approvals(String model, int version);

    /**
     * Moves an alias to a version if it passes every gate of a policy; otherwise leaves the alias
     * where it is and publishes {@code dev.mlops.model.promotion.rejected} with the reasons.
     *
     * @param model the model name
     * @param version the candidate
     * @param alias the alias to move, e.g. {@code champion}
     * @param policy the gates
     * @param actor who asks
     * @return the decision, with every gate's verdict
     */
    default PromotionDecision promote(String model, int version, String alias, PromotionPolicy policy, String actor) {
        Checks.notNull("policy", policy);
        ModelVersion candidate = version(model, version);
        Optional<ModelVersion> champion = versionByAlias(model, alias);
        List<PromotionDecision.Gate> gates = policy.evaluate(candidate, champion, approvals(model, version));
        boolean passed = gates.stream().allMatch(PromotionDecision.Gate::passed);
        if (passed) {
            setAlias(model, alias, version, actor);
        }
        PromotionDecision decision = new PromotionDecision(model, version, alias, passed, gates);
        if (!passed) {
            promotionRejected(decision, actor);
        }
        return decision;
    }

    /**
     * Announces a rejected promotion; {@link #promote} calls it.
     *
     * @param decision the decision
     * @param actor who asked
     */
    void promotionRejected(PromotionDecision decision, String actor);

    /**
     * The versions trained on a dataset, by its fingerprint (lineage read backwards).
     *
     * @param sha256 a data fingerprint recorded with {@link VersionSpec#data}
     * @return matching versions of every model
     */
    List<ModelVersion> versionsTrainedOn(String sha256);

    /**
     * Writes a version's artifacts to a path, verified against their checksums.
     *
     * @param version the version
     * @param target a file or directory that does not exist yet
     */
    void downloadArtifacts(ModelVersion version, Path target);
}
