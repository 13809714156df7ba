/**
 * Data and model health: mergeable dataset profiles, drift tests chosen as Evidently chooses them,
 * model monitors on serving endpoints with delayed labels, and alert sinks with deduplication.
 */
package dev.mlops.core.monitor;
