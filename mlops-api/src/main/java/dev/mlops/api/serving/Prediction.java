package dev.mlops.api.serving;

import dev.mlops.api.Checks;
import java.time.Duration;

/**
 * An answer and where it came from.
 *
 * <pre>{@code
 * Prediction<Float> p = endpoint.predict(features);
 * p.value();      // 3.8
 * p.version();    // 4 — the model version that answered
 * p.queueTime();  // time waiting for a batch
 * }</pre>
 *
 * @param value the model's output
 * @param model the registered model's name
 * @param version the version that answered
 * @param route the route taken
 * @param queueTime from submission until its batch started
 * @param computeTime how long its batch took
 * @param <O> the output type
 * @since 0.1.0
 */
public record Prediction<O>(O value, String model, int version, Route route, Duration queueTime, Duration computeTime) {
    /**
     * Checks the fields.
     *
     * @param value the value
     * @param model the model
     * @param version the version
     * @param route the route
     * @param queueTime the queue time
     * @param computeTime the compute time
     */
    public Prediction {
        Checks.notNull("prediction.value", value);
        Checks.notNull("prediction.model", model);
        Checks.notNull("prediction.route", route);
        Checks.notNull("prediction.queueTime", queueTime);
        Checks.notNull("prediction.computeTime", computeTime);
    }
}
