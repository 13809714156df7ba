package dev.mlops.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventListener;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.event.TypePattern;
import dev.mlops.core.event.EventCodec;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventBus} on Apache Kafka, for platforms on several machines. Events travel as
 * CloudEvents in the Kafka binding's binary mode ({@link CloudEventRecords}) on one topic, keyed by
 * subject so that one model's or run's events stay in order.
 *
 * <ul>
 *   <li>Publishing uses an idempotent producer ({@code acks=all}); the bus refuses client settings
 *       that would silently turn idempotence off. {@link #publish} hands the event to the producer
 *       and returns; a send that fails is logged and counted.</li>
 *   <li>Each subscription consumes in its own consumer group, {@code <group>.<pattern>} (with a
 *       number when one bus subscribes the same pattern twice): buses with the same group share the
 *       work (one of them handles each event), buses with different groups each get every event —
 *       give each replica its own group where every replica must react (a hot swap), one shared group
 *       where one must (a retraining trigger). A new group starts at the end of the topic;
 *       {@link #subscribe} returns once the subscription has its partitions.</li>
 *   <li>Delivery is at least once: offsets are committed only after the listener returned. A
 *       listener that throws is retried with exponential backoff, then the record goes to the
 *       dead-letter topic {@code <topic>-dlt} with the error in headers (Spring Kafka's
 *       {@code kafka_dlt-*} names), as does a record that is not a CloudEvent; the subscription goes
 *       on. Redelivered events (same source and id) are handled once within a bounded window.</li>
 *   <li>{@link #close()} refuses new events, flushes the producer, lets every subscription catch up
 *       with what was published before (within the drain timeout) and finish its handler, commits
 *       and stops.</li>
 * </ul>
 *
 * <pre>{@code
 * try (KafkaEventBus bus = KafkaEventBus.builder()
 *         .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *         .group("rater-" + hostName)
 *         .clientProperty("security.protocol", "SASL_SSL")   // passed to every client
 *         .createTopics(6, (short) 3)
 *         .build()) {
 *     bus.subscribe("dev.mlops.model.alias.changed", e -> endpoint.swapTo(...));
 *     bus.publish(event);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class KafkaEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventBus.class);
    /** The dead-letter topic's suffix, as Spring Kafka names it. */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";
    /** Header: the class of the exception that sent a record to the dead-letter topic. */
    public static final String DLT_EXCEPTION = "kafka_dlt-exception-fqcn";
    /** Header: its message. */
    public static final String DLT_MESSAGE = "kafka_dlt-exception-message";
    /** Header: its stack trace. */
    public static final String DLT_STACKTRACE = "kafka_dlt-exception-stacktrace";
    /** Header: the topic the record came from. */
    public static final String DLT_TOPIC = "kafka_dlt-original-topic";
    /** Header: its partition. */
    public static final String DLT_PARTITION = "kafka_dlt-original-partition";
    /** Header: its offset. */
    public static final String DLT_OFFSET = "kafka_dlt-original-offset";
    /** Header: the consumer group that gave up on it. */
    public static final String DLT_GROUP = "kafka_dlt-original-consumer-group";
    /** The most published events that may wait for the broker. */
    public static final int OUTBOX_CAPACITY = 100_000;
    /** The {@code type} tag of records dead-lettered because they are not CloudEvents. */
    public static final String UNREADABLE_TYPE = "unreadable";

    private final String name;
    private final String topic;
    private final String deadLetterTopic;
    private final String group;
    private final Map<String, Object> clientProperties;
    private final int retries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final int dedupWindow;
    private final Duration drainTimeout;
    private final Duration subscribeTimeout;
    private final CloudEventRecords records;
    private final KafkaProducer<String, byte[]> producer;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> groupsUsed = new HashMap<>();
    /** Events published and not yet handed to the producer, in publication order. */
    private final BlockingQueue<Event> outbox = new LinkedBlockingQueue<>(OUTBOX_CAPACITY);
    private final AtomicLong unsent = new AtomicLong();
    private final Thread sender;
    private volatile boolean inSend;
    private volatile long abandonAt = Long.MAX_VALUE;
    private volatile boolean closed;

    private KafkaEventBus(Builder b) {
        this.name = Checks.text("bus.name", b.name, 100);
        this.topic = Checks.text("bus.topic", b.topic, 240);
        this.deadLetterTopic = topic + DEAD_LETTER_SUFFIX;
        this.group = Checks.text("bus.group", b.group == null ? name : b.group, 200);
        Checks.text("bus.bootstrapServers", b.bootstrapServers, 10_000);
        this.retries = Checks.inRange("bus.retries", b.retries, 0, 100);
        this.backoff = Checks.positive("bus.backoff", b.backoff);
        this.maxBackoff = Checks.positive("bus.maxBackoff", b.maxBackoff);
        this.dedupWindow = Checks.inRange("bus.dedupWindow", b.dedupWindow, 0, 10_000_000);
        this.drainTimeout = Checks.positive("bus.drainTimeout", b.drainTimeout);
        this.subscribeTimeout = Checks.positive("bus.subscribeTimeout", b.subscribeTimeout);
        Map<String, Object> common = new LinkedHashMap<>(b.clientProperties);
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        this.clientProperties = Map.copyOf(common);
        this.records = new CloudEventRecords(new EventCodec(b.json));
        this.meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        Map<String, Object> producerProps = producerProperties(common, name);
        if (b.partitions > 0) {
            createTopics(b.partitions, b.replication);
        }
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        this.sender = new Thread(this::send, "mlops-kafka-bus-" + name + "-sender");
        sender.setDaemon(true);
        sender.start();
        LOG.info("Kafka event bus {} on topic {} (group {})", name, topic, group);
    }

    /**
     * Starts a bus.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The producer settings: idempotent with acks=all, refusing client settings that would undo it. */
    static Map<String, Object> producerProperties(Map<String, Object> client, String clientId) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putAll(client);
        String idempotence = String.valueOf(props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).trim();
        String acks = String.valueOf(props.get(ProducerConfig.ACKS_CONFIG)).trim().toLowerCase(Locale.ROOT);
        Object inFlight = props.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        Object retries = props.get(ProducerConfig.RETRIES_CONFIG);
        if (!idempotence.equalsIgnoreCase("true")) {
            throw new ValidationException("client property " + ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "be true", idempotence);
        }
        if (!acks.equals("all") && !acks.equals("-1")) {
            throw new ValidationException("client property " + ProducerConfig.ACKS_CONFIG,
                    "be all (an idempotent producer needs every in-sync replica)", acks);
        }
        if (inFlight != null && parse(inFlight, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) > 5) {
            throw new ValidationException("client property " + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    "be at most 5 for an idempotent producer", inFlight);
        }
        if (retries != null && parse(retries, ProducerConfig.RETRIES_CONFIG) < 1) {
            throw new ValidationException("client property " + ProducerConfig.RETRIES_CONFIG,
                    "be at least 1 for an idempotent producer", retries);
        }
        return props;
    }

    private static long parse(Object value, String property) {
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ValidationException("client property " + property, "be a whole number", value);
        }
    }

    private void createTopics(int partitions, short replication) {
        try (Admin admin = Admin.create(clientProperties)) {
            for (String t : List.of(topic, deadLetterTopic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, partitions, replication))).all().get(30, TimeUnit.SECONDS);
                    LOG.info("Created topic {} ({} partitions, replication {})", t, partitions, replication);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new MlopsException("cannot create topic " + t + ": " + e.getCause(), e.getCause(), true);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while creating topics", e, true);
        } catch (TimeoutException e) {
            throw new MlopsException("creating topics " + topic + " timed out after 30 s", e, true);
        }
    }

    /**
     * The topic events are published on.
     *
     * @return the topic
     */
    public String topic() {
        return topic;
    }

    /**
     * The dead-letter topic, {@code <topic>-dlt}.
     *
     * @return the topic
     */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns at once: the event waits in the bus's outbox (at most {@value #OUTBOX_CAPACITY}
     * events) for its sender thread, which hands events to the producer in publication order and,
     * while the broker cannot be reached (no metadata for the topic), tries the same event again
     * with backoff rather than losing it.
     *
     * @throws OverloadedException if the outbox is full: the broker has been away for long
     */
    @Override
    public void publish(Event event) {
        Checks.notNull("event", event);
        if (closed) {
            throw new MlopsException("event bus '" + name + "' is closed; event " + event.type() + " was not published");
        }
        unsent.incrementAndGet();
        if (!outbox.offer(event)) {
            unsent.decrementAndGet();
            counter(MetricNames.EVENT_REJECTED, event.type()).increment();
            throw new OverloadedException("event bus '" + name + "' has " + OUTBOX_CAPACITY + " events waiting for the"
                    + " broker at " + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + "; event "
                    + event.type() + " was not published");
        }
    }

    /** The sender thread: hands each event to the producer, again after a backoff while the broker is unreachable. */
    private void send() {
        while (!closed || !outbox.isEmpty()) {
            Event event;
            try {
                event = outbox.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event == null) {
                continue;
            }
            for (int attempt = 1; ; attempt++) {
                inSend = true;
                Future<?> sent = producer.send(records.toRecord(topic, event), (metadata, error) -> sent(event, error));
                inSend = false;
                Throwable refused = immediateFailure(sent);
                if (refused == null) {
                    break;
                }
                if (System.nanoTime() >= abandonAt) {
                    counter(MetricNames.EVENT_SEND_FAILED, event.type()).increment();
                    LOG.error("Event bus {} closed before {} {} could be sent: {}", name, event.type(), event.id(), refused.toString());
                    break;
                }
                long pause = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(attempt - 1, 20));
                LOG.warn("Event bus {} cannot send {} yet ({}); trying again in {} ms", name, event.id(), refused.toString(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
            unsent.decrementAndGet();
        }
    }

    /** The error of a send the producer refused before taking it (no metadata in time), or null. */
    private static @Nullable Throwable immediateFailure(Future<?> sent) {
        if (!sent.isDone()) {
            return null;
        }
        try {
            sent.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RetriableException ? e.getCause() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void sent(Event event, @Nullable Exception error) {
        if (error == null) {
            counter(MetricNames.EVENT_PUBLISHED, event.type()).increment();
        } else if (!(inSend && Thread.currentThread() == sender && error instanceof RetriableException)) {  // refused at once: sent again
            counter(MetricNames.EVENT_SEND_FAILED, event.type()).increment();
            LOG.error("Event bus {} could not send {} {}: {}", name, event.type(), event.id(), error.toString());
        }
    }

    /**
     * Waits until every event published so far has been handed to the producer and acknowledged by the broker.
     */
    public void flush() {
        while (unsent.get() > 0 && sender.isAlive()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        producer.flush();
    }

    @Override
    public Subscription subscribe(String typePattern, EventListener listener) {
        TypePattern pattern = TypePattern.of(typePattern);
        Checks.notNull("listener", listener);
        String groupId;
        synchronized (groupsUsed) {
            if (closed) {
                throw new MlopsException("event bus '" + name + "' is closed; cannot subscribe to '" + pattern + "'");
            }
            int n = groupsUsed.merge(pattern.toString(), 1, Integer::sum);
            groupId = group + "." + pattern + (n > 1 ? "." + n : "");
        }
        Subscriber s = new Subscriber(pattern, groupId, listener);
        subscribers.add(s);
        s.thread.start();
        try {
            if (!s.ready.await(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                s.stop(false);
                subscribers.remove(s);
                throw new MlopsException("subscription to '" + pattern + "' on bus '" + name + "' got no partitions within "
                        + subscribeTimeout + " (is the broker at " + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                        + " reachable?)", null, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.stop(false);
            subscribers.remove(s);
            throw new MlopsException("interrupted while subscribing to '" + pattern + "'", e, true);
        }
        return s;
    }

    private Counter counter(String metric, String type) {
        return counters.computeIfAbsent(metric + "/" + type, k -> Counter.builder(metric)
                .tags(MetricNames.TAG_BUS, name, MetricNames.TAG_TYPE, type).register(meters));
    }

    @Override
    public void close() {
        synchronized (groupsUsed) {
            if (closed) {
                return;
            }
            closed = true;
        }
        abandonAt = System.nanoTime() + drainTimeout.toNanos();
        try {
            sender.join(drainTimeout.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        subscribers.forEach(s -> s.stop(true));
        producer.close(Duration.ofSeconds(30));
        LOG.info("Kafka event bus {} closed", name);
    }

    /** One subscription: a consumer in its own group on its own thread. */
    private final class Subscriber implements Subscription {
        final TypePattern pattern;
        final String groupId;
        final EventListener listener;
        final Thread thread;
        final CountDownLatch ready = new CountDownLatch(1);
        final LinkedHashMap<String, Boolean> seen;
        final AtomicLong lag = new AtomicLong();
        volatile boolean active = true;
        volatile boolean draining;
        private volatile @Nullable KafkaConsumer<String, byte[]> consumer;

        Subscriber(TypePattern pattern, String groupId, EventListener listener) {
            this.pattern = pattern;
            this.groupId = groupId;
            this.listener = listener;
            this.seen = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > dedupWindow;
                }
            };
            Gauge.builder(MetricNames.EVENT_LAG, lag, AtomicLong::get).tags(MetricNames.TAG_BUS, name, MetricNames.TAG_GROUP,
                    groupId).register(meters);
            this.thread = new Thread(this::run, "mlops-kafka-" + name + "-" + pattern);
            thread.setDaemon(true);
        }

        @Override
        public TypePattern pattern() {
            return pattern;
        }

        @Override
        public boolean active() {
            return active;
        }

        @Override
        public void unsubscribe() {
            stop(false);
            subscribers.remove(this);
        }

        /** Stops consuming, after catching up with what was published before when draining. */
        void stop(boolean drain) {
            if (!active) {
                return;
            }
            draining = drain;
            active = false;
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null && !drain) {
                c.wakeup();
            }
            try {
                thread.join(drainTimeout.toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            Map<String, Object> props = new LinkedHashMap<>(clientProperties);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-" + groupId);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                        partitions.forEach(c::position);
                        ready.countDown();
                    }
                });
                consume(c);
            } catch (RuntimeException e) {
                if (active) {
                    LOG.error("Subscription {} of bus {} stopped: {}", pattern, name, e.toString(), e);
                }
            } finally {
                active = false;
                consumer = null;
            }
        }

        private void consume(KafkaConsumer<String, byte[]> c) {
            Map<TopicPartition, Long> drainTo = null;
            long drainDeadline = 0;
            while (true) {
                if (!active) {
                    if (!draining) {
                        return;
                    }
                    if (drainTo == null) {
                        drainTo = c.endOffsets(c.assignment());
                        drainDeadline = System.nanoTime() + drainTimeout.toNanos();
                    }
                    if (caughtUp(c, drainTo) || System.nanoTime() > drainDeadline) {
                        return;
                    }
                }
                ConsumerRecords<String, byte[]> batch;
                try {
                    batch = c.poll(Duration.ofMillis(100));
                } catch (WakeupException e) {
                    return;
                }
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : batch) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (!handle(record)) {
                        c.seek(tp, record.offset());
                        break;
                    }
                    done.put(tp, new OffsetAndMetadata(record.offset() + 1));
                }
                if (!done.isEmpty()) {
                    try {
                        c.commitSync(done);
                    } catch (RuntimeException e) {
                        LOG.warn("Subscription {} of bus {} could not commit {}: {} (the events come again and are"
                                + " handled once)", pattern, name, done, e.toString());
                    }
                }
                long behind = 0;
                for (TopicPartition tp : c.assignment()) {
                    behind += c.currentLag(tp).orElse(0);
                }
                lag.set(behind);
            }
        }

        private boolean caughtUp(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> ends) {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (c.assignment().contains(end.getKey()) && c.position(end.getKey()) < end.getValue()) {
                    return false;
                }
            }
            return true;
        }

        /** Handles one record; false when it must be read again (the dead-letter topic was unreachable). */
        private boolean handle(ConsumerRecord<String, byte[]> record) {
            Event event;
            try {
                event = records.fromRecord(record);
            } catch (ValidationException e) {
                LOG.warn("Subscription {} of bus {}: not a CloudEvent, dead-lettered: {}", pattern, name, e.getMessage());
                boolean sent = deadLetter(record, e, 0);
                if (sent) {
                    counter(MetricNames.EVENT_DEAD_LETTERED, UNREADABLE_TYPE).increment();
                }
                return sent;
            }
            if (!pattern.matches(event.type())) {
                return true;
            }
            String key = event.source() + "|" + event.id();
            if (dedupWindow > 0 && seen.containsKey(key)) {
                counter(MetricNames.EVENT_DUPLICATES, event.type()).increment();
                return true;
            }
            Throwable last = null;
            for (int attempt = 0; attempt <= retries; attempt++) {
                if (attempt > 0 && !sleep(attempt)) {
                    return false;
                }
                try {
                    listener.onEvent(event);
                    counter(MetricNames.EVENT_DELIVERED, event.type()).increment();
                    remember(key);
                    return true;
                } catch (RuntimeException | Error e) {
                    last = e;
                    Counter.builder(MetricNames.EVENT_FAILED).tags(MetricNames.TAG_BUS, name, MetricNames.TAG_TYPE, event.type(),
                            MetricNames.TAG_EXCEPTION, e.getClass().getSimpleName()).register(meters).increment();
                    LOG.warn("Subscription {} of bus {}: listener failed on {} {} (attempt {} of {}): {}", pattern, name,
                            event.type(), event.id(), attempt + 1, retries + 1, e.toString());
                }
            }
            boolean sent = deadLetter(record, last, retries + 1);
            if (sent) {
                remember(key);
                counter(MetricNames.EVENT_DEAD_LETTERED, event.type()).increment();
            }
            return sent;
        }

        private void remember(String key) {
            if (dedupWindow > 0) {
                seen.put(key, Boolean.TRUE);
            }
        }

        /** Waits the backoff before an attempt; false if the bus stops meanwhile without draining. */
        private boolean sleep(int attempt) {
            long millis = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(attempt - 1, 20));
            try {
                Thread.sleep(millis);
                return active || draining;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private boolean deadLetter(ConsumerRecord<String, byte[]> record, Throwable error, int attempts) {
            ProducerRecord<String, byte[]> dead = DeadLetters.of(deadLetterTopic, record, error, groupId);
            DeadLetters.header(dead, "mlops_dlt-attempts", Integer.toString(attempts));
            try {
                producer.send(dead).get(30, TimeUnit.SECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                LOG.error("Subscription {} of bus {} could not dead-letter {}-{}@{}: {}; it will be read again", pattern, name,
                        record.topic(), record.partition(), record.offset(), e.toString());
                return false;
            }
        }
    }

    /**
     * Builds a {@link KafkaEventBus}.
     */
    public static final class Builder {
        private String name = "mlops";
        private @Nullable String bootstrapServers;
        private String topic = "mlops-events";
        private @Nullable String group;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private int retries = 3;
        private Duration backoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private int dedupWindow = 10_000;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration subscribeTimeout = Duration.ofSeconds(60);
        private int partitions;
        private short replication = 1;
        private JsonCodec json = JsonCodec.create();
        private @Nullable MeterRegistry meters;

        private Builder() {
        }

        /**
         * Names the bus in logs, metrics and client ids.
         *
         * @param name default {@code mlops}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The brokers to connect to.
         *
         * @param servers {@code host:port} list, comma separated
         * @return this builder
         */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * The topic of the events; the dead-letter topic is this name with {@code -dlt}.
         *
         * @param topic default {@code mlops-events}
         * @return this builder
         */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /**
         * The prefix of this bus's consumer groups: buses with the same group share each
         * subscription's events, buses with different groups each get all of them.
         *
         * @param group default the bus name
         * @return this builder
         */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /**
         * A setting passed to every Kafka client (producer, consumers, admin), e.g. security:
         * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
         * {@code ssl.truststore.location}. Values are never logged by the bus.
         *
         * @param key the Kafka client property
         * @param value its value
         * @return this builder
         */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(Checks.text("client property", key, 200), Checks.notNull("client property " + key, value));
            return this;
        }

        /**
         * Settings passed to every Kafka client; see {@link #clientProperty}.
         *
         * @param properties the properties
         * @return this builder
         */
        public Builder clientProperties(Map<String, String> properties) {
            Checks.notNull("client properties", properties).forEach(this::clientProperty);
            return this;
        }

        /**
         * Retries of a failing listener before its event is dead-lettered, with backoff doubling
         * from the first delay up to the maximum.
         *
         * @param retries default 3
         * @param first default 200 ms
         * @param max default 10 s
         * @return this builder
         */
        public Builder retries(int retries, Duration first, Duration max) {
            this.retries = retries;
            this.backoff = first;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How many handled events each subscription remembers to skip redelivered ones.
         *
         * @param events default 10,000; 0 turns it off
         * @return this builder
         */
        public Builder dedupWindow(int events) {
            this.dedupWindow = events;
            return this;
        }

        /**
         * How long {@link KafkaEventBus#close()} lets subscriptions catch up.
         *
         * @param timeout default 10 s
         * @return this builder
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * How long {@link KafkaEventBus#subscribe} waits for the subscription's partitions.
         *
         * @param timeout default 60 s
         * @return this builder
         */
        public Builder subscribeTimeout(Duration timeout) {
            this.subscribeTimeout = timeout;
            return this;
        }

        /**
         * Creates the topic and the dead-letter topic at start where they are missing.
         *
         * @param partitions at least 1
         * @param replication the replication factor
         * @return this builder
         */
        public Builder createTopics(int partitions, short replication) {
            this.partitions = Checks.inRange("bus.partitions", partitions, 1, 10_000);
            this.replication = (short) Checks.inRange("bus.replication", replication, 1, 100);
            return this;
        }

        /**
         * The JSON codec whose limits apply to every event read.
         *
         * @param json the codec
         * @return this builder
         */
        public Builder json(JsonCodec json) {
            this.json = Checks.notNull("bus.json", json);
            return this;
        }

        /**
         * Where the bus's meters go.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Checks.notNull("bus.meterRegistry", registry);
            return this;
        }

        /**
         * Builds the bus: checks the settings, creates topics if asked, starts the producer.
         *
         * @return the bus; close it
         */
        public KafkaEventBus build() {
            if (bootstrapServers == null) {
                throw new ValidationException("bus.bootstrapServers", "be set", null);
            }
            return new KafkaEventBus(this);
        }
    }
}
