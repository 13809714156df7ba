package dev.mlops.api.model;

/**
 * The lifecycle stage of a model version, for teams that use stages rather than aliases.
 *
 * @since 0.1.0
 */
public enum Stage {
    /** Not in any stage (new versions). */
    NONE,
    /** Being tried out. */
    STAGING,
    /** Serving. */
    PRODUCTION,
    /** Retired. */
    ARCHIVED
}
