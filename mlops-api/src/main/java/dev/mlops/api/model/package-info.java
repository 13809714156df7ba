/**
 * The model registry: registered models, numbered versions with artifacts, metrics, signature and
 * lineage, aliases such as {@code champion}, stages, and an audit trail of every change.
 *
 * <pre>{@code
 * ModelVersion v = mlops.registry().createVersion(s -> s.model("movie-rater").artifacts(dir).metric("rmse", 0.81));
 * mlops.registry().setAlias("movie-rater", "champion", v.version(), "ana");
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.model;
