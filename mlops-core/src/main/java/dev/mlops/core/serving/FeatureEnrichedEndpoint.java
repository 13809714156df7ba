package dev.mlops.core.serving;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An endpoint that takes entity keys (and request data) instead of feature values: each request's
 * features are read from the online store through a feature service, in the model's feature
 * order, and the row goes to the model's endpoint. A feature that is not present (not found,
 * null, or older than its view's TTL) takes the default value when one is set; otherwise the
 * request fails with the feature and its status named.
 *
 * <pre>{@code
 * ServingEndpoint<Map<String, Object>, Float> byKey = FeatureEnrichedEndpoint.of(rater, mlops.features(),
 *         service, List.of("movie_stats__vote_average", "user_rating_stats__mean_stars"), null);
 * Prediction<Float> p = byKey.predict(Map.of("id", 1L, "user_id", 2L));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FeatureEnrichedEndpoint implements ServingEndpoint<Map<String, Object>, Float> {
    private final ServingEndpoint<float[], Float> model;
    private final FeatureStore features;
    private final FeatureService service;
    private final List<String> order;
    private final @Nullable Float missing;

    private FeatureEnrichedEndpoint(ServingEndpoint<float[], Float> model, FeatureStore features, FeatureService service,
            List<String> order, @Nullable Float missing) {
        this.model = Checks.notNull("model", model);
        this.features = Checks.notNull("features", features);
        this.service = Checks.notNull("service", service);
        this.order = List.copyOf(order);
        if (this.order.isEmpty()) {
            throw new ValidationException("feature order", "name at least one feature", order);
        }
        this.missing = missing;
    }

    /**
     * Wraps an endpoint.
     *
     * @param model the endpoint of feature rows; stays the caller's to close
     * @param features the feature store
     * @param service the service that holds the features
     * @param order the full feature names ({@code view__feature}) in the model's input order
     * @param missing the value of a feature that is not present, or {@code null} to refuse such requests
     * @return the endpoint
     */
    public static FeatureEnrichedEndpoint of(ServingEndpoint<float[], Float> model, FeatureStore features,
            FeatureService service, List<String> order, @Nullable Float missing) {
        return new FeatureEnrichedEndpoint(model, features, service, order, missing);
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public int version() {
        return model.version();
    }

    @Override
    public CompletableFuture<Prediction<Float>> submit(Map<String, Object> keys, Duration deadline) {
        return submit(keys, null, deadline);
    }

    @Override
    public CompletableFuture<Prediction<Float>> submit(Map<String, Object> keys, @Nullable String routingKey,
            Duration deadline) {
        float[] row;
        try {
            row = row(keys);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return model.submit(row, routingKey, deadline);
    }

    @Override
    public Prediction<Float> predict(Map<String, Object> keys) {
        return model.predict(row(keys));
    }

    private float[] row(Map<String, Object> keys) {
        Checks.notNull("keys", keys);
        FeatureVector vector = features.onlineFeatures(List.of(keys), service).get(0);
        float[] row = new float[order.size()];
        for (int i = 0; i < row.length; i++) {
            String name = order.get(i);
            FeatureValue value = vector.values().get(name);
            if (value == null) {
                throw new ValidationException("feature", "be one of service " + service.name(), name);
            }
            if (value.status() == FeatureValue.Status.PRESENT && value.value() instanceof Number number) {
                row[i] = number.floatValue();
            } else if (missing != null) {
                row[i] = missing;
            } else {
                throw new ValidationException("feature " + name + " of " + keys, "be present to predict", value.status());
            }
        }
        return row;
    }

    @Override
    public int rollback() {
        return model.rollback();
    }

    /** Does nothing: the wrapped endpoint stays the caller's. */
    @Override
    public void close() {
    }
}
