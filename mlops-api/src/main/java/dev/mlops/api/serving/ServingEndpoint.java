package dev.mlops.api.serving;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A model behind a bounded queue: requests are batched dynamically for a pool of workers, refused
 * at once when the queue is full ({@link dev.mlops.api.OverloadedException}), and failed with
 * {@link dev.mlops.api.OperationTimeoutException} when their deadline passes before their batch
 * runs. An endpoint bound to an alias swaps to the new version when the alias moves, without
 * failing a request, and can roll back.
 *
 * <pre>{@code
 * Prediction<Float> p = endpoint.predict(new float[] {7.1f, 40.2f, 3.5f});
 * CompletableFuture<Prediction<Float>> later = endpoint.submit(input, Duration.ofMillis(50));
 * endpoint.rollback();   // back to the version served before the last swap
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 * @since 0.1.0
 */
public interface ServingEndpoint<I, O> extends AutoCloseable {
    /**
     * The endpoint's name.
     *
     * @return the name
     */
    String name();

    /**
     * The model version answering now.
     *
     * @return the version
     */
    int version();

    /**
     * Queues a request.
     *
     * @param input the input
     * @param deadline how long the caller will wait, from now
     * @return the answer, completed exceptionally with an overload error (queue full, at once), a
     *     timeout (deadline passed before its batch ran), a validation error (bad input) or the
     *     model's failure
     */
    CompletableFuture<Prediction<O>> submit(I input, Duration deadline);

    /**
     * Queues a request with a routing key: while a canary takes a share of the traffic, requests
     * with the same key always take the same route (sticky, as A/B tests need).
     *
     * @param input the input
     * @param routingKey e.g. the user id; {@code null} routes at random
     * @param deadline how long the caller will wait, from now
     * @return the answer, as {@link #submit(Object, Duration)} gives it
     */
    CompletableFuture<Prediction<O>> submit(I input, String routingKey, Duration deadline);

    /**
     * Predicts and waits, with the endpoint's default deadline.
     *
     * @param input the input
     * @return the answer
     * @throws dev.mlops.api.OverloadedException if the queue is full
     * @throws dev.mlops.api.OperationTimeoutException if the deadline passed
     */
    Prediction<O> predict(I input);

    /**
     * Goes back to the version served before the last swap (and stays there until the alias moves
     * again).
     *
     * @return the version now answering
     * @throws dev.mlops.api.ConflictException if there was no swap
     */
    int rollback();

    /** Stops taking requests, lets queued ones finish, and frees the models. */
    @Override
    void close();
}
