package dev.mlops.api.serving;

/**
 * Which model answered a request.
 *
 * @since 0.1.0
 */
public enum Route {
    /** The version the endpoint's alias (or pinned version) names. */
    CHAMPION,
    /** A canary version that takes a share of the traffic. */
    CANARY,
    /** The fallback, after the routed model failed or missed the deadline. */
    FALLBACK,
    /** A shadow model's answer: recorded for comparison, never returned to the caller. */
    SHADOW
}
