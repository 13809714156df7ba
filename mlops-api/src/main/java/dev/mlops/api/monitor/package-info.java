/**
 * Monitoring: drift reports that compare live data with a reference, and alerts sent through
 * pluggable sinks.
 */
package dev.mlops.api.monitor;
