/**
 * The shared vocabulary of the MLOps SDK: validated {@link dev.mlops.api.Name names}, the
 * unchecked {@link dev.mlops.api.MlopsException exception hierarchy} and the
 * {@link dev.mlops.api.Nullable} marker.
 *
 * <p>This module depends on the JDK only. Every value is non-null unless it is marked
 * {@link dev.mlops.api.Nullable}; a value that may be absent is returned as an {@link java.util.Optional}.
 *
 * @since 0.1.0
 */
package dev.mlops.api;
