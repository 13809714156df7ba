/**
 * The platform in API terms: {@link dev.mlops.api.platform.Platform}, the SDK's services as one object.
 *
 * @since 0.1.0
 */
package dev.mlops.api.platform;
