package dev.mlops.mlflow;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.event.EventBus;
import dev.mlops.core.platform.JsonCodec;
import java.time.Clock;
import java.time.Duration;

/**
 * What every MLflow client here is built with: the server, JSON limits, the clock, the event bus, the
 * timeouts, the retries and the multipart sizes.
 *
 * @param <B> the concrete builder
 */
abstract class MlflowClientBuilder<B extends MlflowClientBuilder<B>> {
    @Nullable MlflowServer server;
    JsonCodec json = JsonCodec.create();
    Clock clock = Clock.systemUTC();
    @Nullable EventBus events;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(30);
    private int attempts = 4;
    private Duration backoff = Duration.ofMillis(200);
    private long multipartThreshold = 500L << 20;
    private long partSize = 100L << 20;

    MlflowClientBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets the server.
     *
     * @param server e.g. {@code MlflowServer.fromEnvironment(System.getenv())}
     * @return this builder
     */
    public B server(MlflowServer server) {
        this.server = server;
        return self();
    }

    /**
     * Sets the JSON codec whose limits apply to answers.
     *
     * @param json the codec
     * @return this builder
     */
    public B json(JsonCodec json) {
        this.json = json;
        return self();
    }

    /**
     * Sets the clock of the times recorded (run and metric times, version and change times).
     *
     * @param clock the clock
     * @return this builder
     */
    public B clock(Clock clock) {
        this.clock = clock;
        return self();
    }

    /**
     * Sets where changes are announced ({@code dev.mlops.tracking.run.finished}, {@code dev.mlops.model.*}).
     *
     * @param events the bus
     * @return this builder
     */
    public B events(EventBus events) {
        this.events = events;
        return self();
    }

    /**
     * Sets the timeouts.
     *
     * @param connect for opening a connection; 10 s by default
     * @param request for each request's answer; 30 s by default
     * @return this builder
     */
    public B timeouts(Duration connect, Duration request) {
        this.connectTimeout = connect;
        this.timeout = request;
        return self();
    }

    /**
     * Sets how calls that are safe to repeat are retried.
     *
     * @param attempts 1 to 100 in all; 4 by default
     * @param backoff the first pause, doubled each time up to 10 s; 200 ms by default
     * @return this builder
     */
    public B retries(int attempts, Duration backoff) {
        this.attempts = attempts;
        this.backoff = backoff;
        return self();
    }

    /**
     * Sets when artifact files go up in parts (MLflow's multipart upload through the proxy, where the
     * server's store offers it) and how big the parts are.
     *
     * @param threshold files of this many bytes or more; 500 MiB by default, as MLflow's client
     * @param partSize bytes per part; 100 MiB by default
     * @return this builder
     */
    public B multipart(long threshold, long partSize) {
        this.multipartThreshold = threshold;
        this.partSize = partSize;
        return self();
    }

    /** The REST layer these settings describe. */
    MlflowRest rest(String field) {
        return new MlflowRest(Checks.notNull(field + ".server", server), Checks.notNull(field + ".json", json), connectTimeout,
                timeout, attempts, backoff, multipartThreshold, partSize);
    }
}
