/**
 * Serving: endpoints that answer predictions from a registered model bound by alias or version,
 * with dynamic batching, bounded queues, deadlines and hot swaps when the alias moves.
 */
package dev.mlops.api.serving;
