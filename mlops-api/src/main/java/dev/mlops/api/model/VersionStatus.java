package dev.mlops.api.model;

/**
 * Whether a model version's artifacts are in place.
 *
 * @since 0.1.0
 */
public enum VersionStatus {
    /** Registered, artifacts still being uploaded (remote registries). */
    PENDING,
    /** Artifacts stored and verified; the version can be served. */
    READY,
    /** The upload failed; the version cannot be served. */
    FAILED
}
