package dev.mlops.mlflow;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.event.EventBus;
import dev.mlops.core.platform.JsonCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

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
    private final Map<String, String> storeProperties = new TreeMap<>();
    private Function<String, Optional<String>> platformProperties = key -> Optional.empty();
    private Map<String, String> environment = System.getenv();

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

    /**
     * Sets a property of the store that artifact locations outside the server's proxy are in, named as
     * the platform's properties are: for {@code s3://} locations (read by mlops-s3, which must be on
     * the class path) {@code s3.region}, {@code s3.endpoint}, {@code s3.path-style},
     * {@code s3.access-key-id} and {@code s3.secret-access-key}. Unset, they follow MLflow's environment
     * variables — {@code MLFLOW_S3_ENDPOINT_URL} (then path-style), {@code AWS_DEFAULT_REGION} or
     * {@code AWS_REGION} — and credentials come from the AWS default chain, as for MLflow's client.
     *
     * @param key the property
     * @param value its value; secrets are never logged
     * @return this builder
     */
    public B storeProperty(String key, String value) {
        storeProperties.put(Checks.text("storeProperty.key", key, 100), Checks.notNull("storeProperty.value", value));
        return self();
    }

    /** Takes store properties the platform has, after those set here. */
    B platformProperties(Function<String, Optional<String>> lookup) {
        this.platformProperties = lookup;
        return self();
    }

    /** Reads MLflow's environment variables from another map than the process's. */
    B environment(Map<String, String> environment) {
        this.environment = environment;
        return self();
    }

    /** A store property: set here, then the platform's, then from MLflow's environment variables. */
    Optional<String> storeProperty(String key) {
        Optional<String> value = Optional.ofNullable(storeProperties.get(key)).or(() -> platformProperties.apply(key));
        if (value.isPresent()) {
            return value;
        }
        Optional<String> endpoint = Optional.ofNullable(environment.get("MLFLOW_S3_ENDPOINT_URL")).filter(v -> !v.isBlank());
        return switch (key) {
            case "s3.endpoint" -> endpoint;
            case "s3.path-style" -> endpoint.map(e -> "true");
            case "s3.region" -> Optional.ofNullable(environment.get("AWS_DEFAULT_REGION"))
                    .or(() -> Optional.ofNullable(environment.get("AWS_REGION"))).filter(v -> !v.isBlank());
            default -> Optional.empty();
        };
    }

    /** The artifact access these settings describe, over a REST layer. */
    MlflowArtifacts artifacts(MlflowRest rest) {
        return new MlflowArtifacts(rest, json, this::storeProperty);
    }

    /** The REST layer these settings describe. */
    MlflowRest rest(String field) {
        return new MlflowRest(Checks.notNull(field + ".server", server), Checks.notNull(field + ".json", json), connectTimeout,
                timeout, attempts, backoff, multipartThreshold, partSize);
    }
}
