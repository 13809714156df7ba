package dev.mlops.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a Kafka stream: consumes request records, predicts each through a serving endpoint (an
 * {@code EmbeddedServingEndpoint}, or a {@code FeatureEnrichedEndpoint} that looks the request's
 * entity keys up in the online store), and produces one result record per request to an output
 * topic, keyed as the request.
 *
 * <ul>
 *   <li>Ordering per key: a poll's requests are scored together (the endpoint batches them) and
 *       their results produced in the requests' order, partition by partition.</li>
 *   <li>Bounded work: at most {@code maxInFlight} requests are polled and in flight at a time; an
 *       endpoint that is overloaded or late is asked again after a backoff, so a slow model slows the
 *       stream instead of losing records.</li>
 *   <li>At least once: offsets are committed after the results were acknowledged by the broker. A
 *       request that cannot be read or that the model refuses goes to {@code <input>-dlt} with the
 *       error in {@code kafka_dlt-*} headers.</li>
 * </ul>
 *
 * <pre>{@code
 * ServingEndpoint<Map<String, Object>, Float> byKey = FeatureEnrichedEndpoint.of(rater, mlops.features(), service, order, null);
 * try (StreamScorer<Map<String, Object>, Float> scorer = StreamScorer.<Map<String, Object>, Float>builder("star-scores")
 *         .bootstrapServers("kafka:9092").inputTopic("rating-requests").outputTopic("rating-scores")
 *         .endpoint(byKey).decoder(StreamScorer.jsonObject(JsonCodec.create()))
 *         .encoder(StreamScorer.jsonResult(JsonCodec.create()))
 *         .build()) {
 *     scorer.start();
 *     ...
 * }
 * }</pre>
 *
 * @param <I> the endpoint's input
 * @param <O> the endpoint's output
 * @since 0.1.0
 */
public final class StreamScorer<I, O> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamScorer.class);

    private final String name;
    private final String inputTopic;
    private final String outputTopic;
    private final String deadLetterTopic;
    private final ServingEndpoint<I, O> endpoint;
    private final Function<byte[], I> decoder;
    private final BiFunction<I, Prediction<O>, byte[]> encoder;
    private final int maxInFlight;
    private final Duration deadline;
    private final Duration backoff;
    private final int attempts;
    private final Map<String, Object> consumerProps;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Counter> outcomes = new HashMap<>();
    private final MeterRegistry meters;
    private final LoopThread loop;

    private StreamScorer(Builder<I, O> b) {
        this.name = Name.check("scorer", b.name);
        this.inputTopic = Checks.text("scorer.inputTopic", b.inputTopic, 240);
        this.outputTopic = Checks.text("scorer.outputTopic", b.outputTopic, 240);
        if (inputTopic.equals(outputTopic)) {
            throw new ValidationException("scorer.outputTopic", "differ from the input topic", outputTopic);
        }
        this.deadLetterTopic = inputTopic + KafkaEventBus.DEAD_LETTER_SUFFIX;
        this.endpoint = Checks.notNull("scorer.endpoint", b.endpoint);
        this.decoder = Checks.notNull("scorer.decoder", b.decoder);
        this.encoder = Checks.notNull("scorer.encoder", b.encoder);
        this.maxInFlight = Checks.inRange("scorer.maxInFlight", b.maxInFlight, 1, 100_000);
        this.deadline = Checks.positive("scorer.deadline", b.deadline);
        this.backoff = Checks.positive("scorer.backoff", b.backoff);
        this.attempts = Checks.inRange("scorer.attempts", b.attempts, 1, 1_000);
        Map<String, Object> client = new LinkedHashMap<>(b.clientProperties);
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Checks.text("scorer.bootstrapServers", b.bootstrapServers, 10_000));
        Map<String, Object> c = new LinkedHashMap<>(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, b.group == null ? name : b.group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxInFlight));
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumerProps = Map.copyOf(c);
        this.meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        this.producer = new KafkaProducer<>(KafkaEventBus.producerProperties(client, name), new StringSerializer(),
                new ByteArraySerializer());
        this.loop = new LoopThread("mlops-stream-" + name, this::run);
    }

    /**
     * Starts a scorer.
     *
     * @param name names its consumer group (by default), logs and metrics
     * @param <I> the endpoint's input
     * @param <O> the endpoint's output
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * A decoder of record values that are JSON objects, e.g. entity keys for a feature-enriched
     * endpoint ({@code {"id": 1, "user_id": 2}}); integers become {@code Long}.
     *
     * @param json the codec whose limits apply
     * @return the decoder
     */
    public static Function<byte[], Map<String, Object>> jsonObject(JsonCodec json) {
        Checks.notNull("json", json);
        return bytes -> {
            if (bytes == null) {
                throw new ValidationException("request", "be a JSON object", null);
            }
            Map<?, ?> read = json.read(bytes, Map.class);
            Map<String, Object> keys = new LinkedHashMap<>();
            read.forEach((k, v) -> keys.put(String.valueOf(k), v instanceof Integer i ? Long.valueOf(i) : v));
            return keys;
        };
    }

    /**
     * An encoder of results as JSON: the request, the prediction's value, model, version and route.
     *
     * @param json the codec
     * @param <I> the request type
     * @param <O> the prediction type
     * @return the encoder
     */
    public static <I, O> BiFunction<I, Prediction<O>, byte[]> jsonResult(JsonCodec json) {
        Checks.notNull("json", json);
        return (request, p) -> {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("request", request);
            result.put("prediction", p.value());
            result.put("model", p.model());
            result.put("version", p.version());
            result.put("route", p.route().name().toLowerCase(Locale.ROOT));
            return json.write(result);
        };
    }

    /** Starts consuming on the scorer's thread. */
    public void start() {
        loop.start("scorer " + name);
        LOG.info("Scorer {} scores {} into {}", name, inputTopic, outputTopic);
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(inputTopic));
            while (loop.running()) {
                ConsumerRecords<String, byte[]> batch = c.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> done = score(batch);
                if (done == null) {
                    seekBack(c, batch);
                    continue;
                }
                c.commitSync(done);
            }
        } catch (RuntimeException e) {
            if (loop.running()) {
                LOG.error("Scorer {} stopped: {}", name, e.toString(), e);
            }
        }
    }

    /** Scores a batch and produces its results in order; the offsets to commit, or null to read it again. */
    private @Nullable Map<TopicPartition, OffsetAndMetadata> score(ConsumerRecords<String, byte[]> batch) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        batch.forEach(records::add);
        List<I> requests = new ArrayList<>(records.size());
        List<Object> answers = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            I request = null;
            try {
                request = decoder.apply(r.value());
            } catch (RuntimeException e) {
                answers.add(e);
                requests.add(null);
                continue;
            }
            requests.add(request);
            answers.add(submit(request, r.key()));
        }
        for (int i = 0; i < records.size(); i++) {
            answers.set(i, settle(requests.get(i), records.get(i).key(), answers.get(i)));
        }
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                ConsumerRecord<String, byte[]> r = records.get(i);
                Object answer = answers.get(i);
                if (answer instanceof Prediction<?> p) {
                    @SuppressWarnings("unchecked")
                    Prediction<O> prediction = (Prediction<O>) p;
                    ProducerRecord<String, byte[]> out = new ProducerRecord<>(outputTopic, r.key(),
                            encoder.apply(requests.get(i), prediction));
                    out.headers().add("mlops_model", p.model().getBytes(StandardCharsets.UTF_8));
                    out.headers().add("mlops_version", Integer.toString(p.version()).getBytes(StandardCharsets.UTF_8));
                    sends.add(producer.send(out));
                    count("scored");
                } else {
                    sends.add(producer.send(deadLetter(r, (Throwable) answer)));
                    count("dead_lettered");
                }
            }
            for (Future<?> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Scorer {} could not produce its results ({}); the batch is read again", name, e.toString());
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        return done;
    }

    private CompletableFuture<Prediction<O>> submit(I request, @Nullable String key) {
        try {
            return endpoint.submit(request, key, deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits for an answer, asking again after a backoff while the failure is transient; the prediction or the error. */
    @SuppressWarnings("unchecked")
    private Object settle(@Nullable I request, @Nullable String key, Object answer) {
        for (int attempt = 1; ; attempt++) {
            if (!(answer instanceof CompletableFuture<?> future)) {
                return answer;
            }
            Throwable error;
            try {
                return future.get(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | CompletionException e) {
                error = e.getCause();
            } catch (TimeoutException e) {
                error = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
            boolean transientFailure = !(error instanceof MlopsException m) || m.retryable();
            if (!transientFailure || attempt >= attempts || !loop.running()) {
                return error;
            }
            count("retried");
            try {
                Thread.sleep(Math.min(backoff.toMillis() << Math.min(attempt - 1, 10), 10_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
            answer = submit((I) request, key);
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> r, Throwable error) {
        LOG.warn("Scorer {}: request {}-{}@{} dead-lettered: {}", name, r.topic(), r.partition(), r.offset(), error.toString());
        return DeadLetters.of(deadLetterTopic, r, error, null);
    }

    private static void seekBack(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> batch) {
        for (TopicPartition tp : batch.partitions()) {
            c.seek(tp, batch.records(tp).get(0).offset());
        }
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder(MetricNames.STREAM_RECORDS)
                .tags(MetricNames.TAG_STREAM, name, MetricNames.TAG_OUTCOME, o).register(meters)).increment();
    }

    /** Stops after the batch in flight: its results are produced and committed; the endpoint stays the caller's. */
    @Override
    public void close() {
        loop.stop();
        producer.close(Duration.ofSeconds(30));
    }

    /**
     * Builds a {@link StreamScorer}.
     *
     * @param <I> the endpoint's input
     * @param <O> the endpoint's output
     */
    public static final class Builder<I, O> {
        private final String name;
        private @Nullable String bootstrapServers;
        private @Nullable String inputTopic;
        private @Nullable String outputTopic;
        private @Nullable String group;
        private @Nullable ServingEndpoint<I, O> endpoint;
        private @Nullable Function<byte[], I> decoder;
        private @Nullable BiFunction<I, Prediction<O>, byte[]> encoder;
        private int maxInFlight = 500;
        private Duration deadline = Duration.ofSeconds(5);
        private Duration backoff = Duration.ofMillis(50);
        private int attempts = 20;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private @Nullable MeterRegistry meters;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * The brokers.
         *
         * @param servers {@code host:port} list
         * @return this builder
         */
        public Builder<I, O> bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * The topic of requests.
         *
         * @param topic the topic
         * @return this builder
         */
        public Builder<I, O> inputTopic(String topic) {
            this.inputTopic = topic;
            return this;
        }

        /**
         * The topic results go to.
         *
         * @param topic the topic
         * @return this builder
         */
        public Builder<I, O> outputTopic(String topic) {
            this.outputTopic = topic;
            return this;
        }

        /**
         * The consumer group; scorers of one group share the input's partitions.
         *
         * @param group default the scorer's name
         * @return this builder
         */
        public Builder<I, O> group(String group) {
            this.group = group;
            return this;
        }

        /**
         * The endpoint that predicts.
         *
         * @param endpoint the endpoint; the scorer does not close it
         * @return this builder
         */
        public Builder<I, O> endpoint(ServingEndpoint<I, O> endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Reads a record's value into a request; an exception dead-letters the record.
         *
         * @param decoder the decoder, e.g. {@link StreamScorer#jsonObject}
         * @return this builder
         */
        public Builder<I, O> decoder(Function<byte[], I> decoder) {
            this.decoder = decoder;
            return this;
        }

        /**
         * Writes a result record's value.
         *
         * @param encoder the encoder, e.g. {@link StreamScorer#jsonResult}
         * @return this builder
         */
        public Builder<I, O> encoder(BiFunction<I, Prediction<O>, byte[]> encoder) {
            this.encoder = encoder;
            return this;
        }

        /**
         * Requests polled and in flight at most.
         *
         * @param requests default 500
         * @return this builder
         */
        public Builder<I, O> maxInFlight(int requests) {
            this.maxInFlight = requests;
            return this;
        }

        /**
         * Each request's deadline at the endpoint.
         *
         * @param deadline default 5 s
         * @return this builder
         */
        public Builder<I, O> deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /**
         * How often a request whose endpoint is overloaded or late is tried, with backoff doubling
         * from the first delay; after that it is dead-lettered.
         *
         * @param attempts default 20
         * @param backoff default 50 ms
         * @return this builder
         */
        public Builder<I, O> attempts(int attempts, Duration backoff) {
            this.attempts = attempts;
            this.backoff = backoff;
            return this;
        }

        /**
         * A setting passed to the Kafka clients, e.g. security.
         *
         * @param key the property
         * @param value its value
         * @return this builder
         */
        public Builder<I, O> clientProperty(String key, String value) {
            clientProperties.put(Checks.text("client property", key, 200), Checks.notNull("client property " + key, value));
            return this;
        }

        /**
         * Where the scorer's counters go.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder<I, O> meterRegistry(MeterRegistry registry) {
            this.meters = Checks.notNull("scorer.meterRegistry", registry);
            return this;
        }

        /**
         * Builds the scorer; {@link StreamScorer#start()} starts it.
         *
         * @return the scorer; close it
         */
        public StreamScorer<I, O> build() {
            return new StreamScorer<>(this);
        }
    }
}
