/**
 * The embedded serving endpoint: dynamic batching on a pool of predictors (one per worker), a
 * bounded queue that refuses rather than grows, deadlines, and hot swaps driven by registry events.
 */
package dev.mlops.core.serving;
