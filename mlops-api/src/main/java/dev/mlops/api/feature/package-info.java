/**
 * Feature store definitions, with Feast's vocabulary: {@link dev.mlops.api.feature.Entity},
 * {@link dev.mlops.api.feature.FeatureView}, {@link dev.mlops.api.feature.FeatureService} and their
 * sources, applied as code through {@link dev.mlops.api.feature.FeatureStore#plan} and
 * {@link dev.mlops.api.feature.FeatureStore#apply}.
 *
 * <pre>{@code
 * Entity user = Entity.builder("user").joinKey("user_id", ColumnType.STRING).build();
 * FeatureView stats = FeatureView.builder("user_stats")
 *         .entities("user")
 *         .field("avg_rating", ColumnType.DOUBLE)
 *         .ttl(Duration.ofDays(7))
 *         .source(FeatureSource.csv(path, "event_ts"))
 *         .build();
 * mlops.features().apply(FeatureDefinitions.of(user, stats));
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.api.feature;
