package dev.mlops.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.WindowAggregation;
import dev.mlops.core.feature.WindowAggregator;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests the Kafka topic of a feature view's {@linkplain FeatureSource#stream stream source} into
 * the feature store: each record is a JSON object checked against the view (join keys and event
 * time present, every value of its declared type) and pushed, in batches, to the online store and
 * the source's offline log, so that training data sees what serving sees. A record that does not
 * fit goes to {@code <topic>-dlt} with the error in {@code kafka_dlt-*} headers, and the stream goes on.
 *
 * <p>With a {@link WindowAggregation} the records are raw events and the view's fields are their
 * aggregates per key: a window's row is pushed when the watermark (latest event time minus the
 * allowed lateness) passes its end, and matches {@link WindowAggregator#offline} over the same
 * events. Events arriving after every window holding them has closed are dropped and counted as
 * {@code late}. Windows are kept per partition, so records must be keyed by entity (as Kafka
 * Streams requires); a partition that receives nothing does not advance its watermark.
 *
 * <p>At least once, with no aggregate counted twice: offsets are committed after the push, and an
 * aggregating ingestor commits each partition's offset at its earliest event still in an open
 * window, with the partition's latest event time in the commit's metadata. After a restart or a
 * rebalance the events of open windows are read again, and events whose windows were emitted
 * already are skipped.
 *
 * <pre>{@code
 * FeatureView activity = FeatureView.builder("user_activity").entities("user")
 *         .field("ratings_1h", ColumnType.LONG).field("avg_rating_1h", ColumnType.DOUBLE)
 *         .ttl(Duration.ofDays(1)).source(FeatureSource.stream("activity", "ratings", "event_ts")).build();
 * mlops.features().apply(FeatureDefinitions.of(user, activity));
 * try (StreamIngestor ingestor = StreamIngestor.builder("activity")
 *         .bootstrapServers("kafka:9092").store(mlops.features()).view("user_activity", 1)
 *         .aggregation(WindowAggregation.sliding(Duration.ofHours(1), Duration.ofMinutes(5))
 *                 .count("ratings_1h").mean("avg_rating_1h", "rating").build(), Duration.ofMinutes(1))
 *         .build()) {
 *     ingestor.start();
 *     ...
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class StreamIngestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamIngestor.class);

    private final String name;
    private final FeatureStore store;
    private final FeatureView view;
    private final String topic;
    private final String deadLetterTopic;
    private final List<Column> keys;
    private final @Nullable WindowAggregation aggregation;
    private final Duration lateness;
    private final Schema rows;
    private final List<@Nullable ColumnType> inputTypes;
    private final int maxBatch;
    private final Duration linger;
    private final Duration backoff;
    private final JsonCodec json;
    private final String group;
    private final Map<String, Object> consumerProps;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Counter> outcomes = new HashMap<>();
    private final MeterRegistry meters;
    private final LoopThread loop;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private final List<Object[]> buffered = new ArrayList<>();
    private final List<Future<?>> deadLetters = new ArrayList<>();
    private long accepted;

    /** What the ingestor holds of one partition: its open windows and the offsets of their events. */
    private final class Partition {
        final @Nullable WindowAggregator windows;
        /** Offset and event time of each event still in an open window, by offset. */
        final ArrayDeque<long[]> open = new ArrayDeque<>();
        /** Events before this offset were read before the last restart. */
        final long readBefore;
        long next = -1;

        Partition(@Nullable OffsetAndMetadata committed) {
            windows = aggregation == null ? null : WindowAggregator.forView(view, keys, aggregation, lateness);
            long[] resumed = committed == null ? new long[] {Long.MIN_VALUE, -1} : metadata(committed.metadata());
            if (windows != null) {
                windows.resume(resumed[0]);
            }
            readBefore = resumed[1];
        }

        long commitOffset() {
            while (windows != null && !open.isEmpty() && windows.late(Instant.ofEpochMilli(open.peekFirst()[1]))) {
                open.pollFirst();
            }
            return open.isEmpty() ? next : open.peekFirst()[0];
        }

        String commitMetadata() {
            return (windows == null ? Long.MIN_VALUE : windows.maxEventTime()) + ":" + next;
        }
    }

    private StreamIngestor(Builder b) {
        this.name = Name.check("ingestor", b.name);
        this.store = Checks.notNull("ingestor.store", b.store);
        String viewName = Checks.notNull("ingestor.view", b.viewName);
        this.view = store.view(viewName, b.viewVersion).orElseThrow(() -> new NotFoundException("feature view",
                viewName + "@" + b.viewVersion, "applied: " + store.views().stream().map(FeatureView::versionedName).toList()));
        if (view.source().kind() != FeatureSource.Kind.STREAM) {
            throw new ValidationException("feature view " + view.versionedName() + " source", "be a stream source", view.source().kind());
        }
        this.topic = view.source().location();
        this.deadLetterTopic = topic + KafkaEventBus.DEAD_LETTER_SUFFIX;
        List<Column> k = new ArrayList<>();
        for (String entity : view.entities()) {
            k.addAll(store.entity(entity).orElseThrow(() -> new NotFoundException("entity", entity, "not applied")).joinKeys());
        }
        this.keys = List.copyOf(k);
        this.aggregation = b.aggregation;
        this.lateness = Checks.notNull("ingestor.allowedLateness", b.lateness);
        List<Column> columns = new ArrayList<>(keys);
        columns.add(Column.of(view.source().timestampColumn(), ColumnType.TIMESTAMP));
        columns.addAll(view.fields());
        WindowAggregator shape = aggregation == null ? null : WindowAggregator.forView(view, keys, aggregation, lateness);
        this.rows = shape == null ? Schema.of(columns) : shape.outputSchema();
        this.inputTypes = shape == null ? List.of() : shape.inputTypes();
        checkOtherReaders(columns);
        this.maxBatch = Checks.inRange("ingestor.maxBatch", b.maxBatch, 1, 1_000_000);
        this.linger = Checks.positive("ingestor.linger", b.linger);
        this.backoff = Checks.positive("ingestor.backoff", b.backoff);
        this.json = Checks.notNull("ingestor.json", b.json);
        Map<String, Object> client = new LinkedHashMap<>(b.clientProperties);
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Checks.text("ingestor.bootstrapServers", b.bootstrapServers, 10_000));
        Map<String, Object> c = new LinkedHashMap<>(client);
        this.group = b.group == null ? "mlops-ingest-" + name : Checks.text("ingestor.group", b.group, 249);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumerProps = Map.copyOf(c);
        this.meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        this.producer = new KafkaProducer<>(KafkaEventBus.producerProperties(client, name), new StringSerializer(),
                new ByteArraySerializer());
        this.loop = new LoopThread("mlops-ingest-" + name, this::run);
    }

    /** Other views reading the same source receive the same rows, so they may only need columns these rows have. */
    private void checkOtherReaders(List<Column> columns) {
        for (FeatureView other : store.views()) {
            if (other.source().kind() != FeatureSource.Kind.STREAM || !other.source().name().equals(view.source().name())
                    || other.versionedName().equals(view.versionedName())) {
                continue;
            }
            List<Column> needed = new ArrayList<>(other.fields());
            needed.add(Column.of(other.source().timestampColumn(), ColumnType.TIMESTAMP));
            for (Column c : needed) {
                if (!rows.columns().contains(c)) {
                    throw new ValidationException("feature view " + other.versionedName(), "need only columns that "
                            + view.versionedName() + " writes to stream source " + view.source().name() + " " + rows, c);
                }
            }
        }
    }

    /**
     * Starts an ingestor.
     *
     * @param name names its consumer group ({@code mlops-ingest-<name>} by default), logs and metrics
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The topic read.
     *
     * @return the stream source's topic
     */
    public String topic() {
        return topic;
    }

    /** Starts consuming on the ingestor's thread. */
    public void start() {
        loop.start("ingestor " + name);
        LOG.info("Ingestor {} reads {} into {}", name, topic, view.versionedName());
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic), new Rebalance(c));
            long lastFlush = System.nanoTime();
            while (loop.running()) {
                c.poll(Duration.ofMillis(100)).forEach(this::read);
                boolean due = System.nanoTime() - lastFlush >= linger.toNanos();
                if (buffered.size() + accepted >= maxBatch || due && (accepted > 0 || !deadLetters.isEmpty())) {
                    flush(c, partitions.keySet());
                    lastFlush = System.nanoTime();
                }
            }
            flush(c, partitions.keySet());
        } catch (RuntimeException e) {
            if (loop.running()) {
                LOG.error("Ingestor {} stopped: {}", name, e.toString(), e);
            }
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        Partition p = partitions.get(new TopicPartition(record.topic(), record.partition()));
        p.next = record.offset() + 1;
        Object[] row;
        try {
            row = decode(record.value());
        } catch (RuntimeException e) {
            LOG.warn("Ingestor {}: record {}-{}@{} dead-lettered: {}", name, record.topic(), record.partition(),
                    record.offset(), e.toString());
            deadLetters.add(producer.send(DeadLetters.of(deadLetterTopic, record, e, group)));
            count("dead_lettered");
            return;
        }
        if (p.windows == null) {
            buffered.add(row);
            accepted++;
            return;
        }
        Instant time = (Instant) row[keys.size()];
        if (p.windows.late(time)) {
            if (record.offset() >= p.readBefore) {
                count("late");
            }
            return;
        }
        List<Object> key = List.copyOf(Arrays.asList(row).subList(0, keys.size()));
        p.windows.add(key, time, Arrays.copyOfRange(row, keys.size() + 1, row.length));
        p.open.addLast(new long[] {record.offset(), time.toEpochMilli()});
        accepted++;
    }

    /** Reads a record as keys, event time and, per field or aggregate, its value. */
    private Object[] decode(@Nullable byte[] value) {
        if (value == null) {
            throw new ValidationException("record", "be a JSON object", null);
        }
        Map<?, ?> object = json.read(value, Map.class);
        List<Object> row = new ArrayList<>();
        for (Column key : keys) {
            row.add(required(object, key));
        }
        row.add(required(object, Column.of(view.source().timestampColumn(), ColumnType.TIMESTAMP)));
        if (aggregation == null) {
            for (Column f : view.fields()) {
                row.add(convert(f, object.get(f.name())));
            }
        } else {
            for (int a = 0; a < inputTypes.size(); a++) {
                ColumnType type = inputTypes.get(a);
                String column = aggregation.aggregates().get(a).column();
                row.add(type == null ? null : convert(Column.of(column, type), object.get(column)));
            }
        }
        return row.toArray();
    }

    private static Object required(Map<?, ?> object, Column column) {
        Object value = convert(column, object.get(column.name()));
        if (value == null) {
            throw new ValidationException("record", "have a value for '" + column.name() + "'", object.keySet());
        }
        return value;
    }

    /** A JSON value as a column type: whole numbers only for LONG; ISO-8601 text or epoch milliseconds for TIMESTAMP. */
    private static @Nullable Object convert(Column column, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        Object converted = switch (column.type()) {
            case STRING -> value instanceof String ? value : null;
            case BOOLEAN -> value instanceof Boolean ? value : null;
            case DOUBLE -> value instanceof Number n ? (Object) n.doubleValue() : null;
            case LONG -> whole(value);
            case TIMESTAMP -> value instanceof String s ? parse(s) : epochMillis(value);
            case DATE -> value instanceof String s ? parseDate(s) : null;
        };
        if (converted == null) {
            throw new ValidationException("record field '" + column.name() + "'", "be a " + column.type(), value);
        }
        return converted;
    }

    private static @Nullable Long whole(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        return value instanceof BigInteger b && b.bitLength() < 64 ? b.longValue() : null;
    }

    private static @Nullable Instant epochMillis(Object value) {
        Long millis = whole(value);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static @Nullable Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static @Nullable LocalDate parseDate(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Pushes what is ready, waits for the dead letters, and commits; after a failure, reads again from
     * the last commit.
     */
    private void flush(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> which) {
        try {
            for (Partition p : partitions.values()) {
                if (p.windows != null) {
                    Table closed = p.windows.closeWindows();
                    for (int r = 0; r < closed.rowCount(); r++) {
                        buffered.add(closed.row(r).toArray());
                    }
                }
            }
            if (!buffered.isEmpty()) {
                Table.Builder table = Table.builder(rows, buffered.size());
                buffered.forEach(table::addRow);
                store.push(view.source().name(), table.build());
            }
            for (Future<?> f : deadLetters) {
                f.get(60, TimeUnit.SECONDS);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : which) {
                Partition p = partitions.get(tp);
                if (p.next >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(p.commitOffset(), p.commitMetadata()));
                }
            }
            c.commitSync(offsets);
            if (accepted > 0) {
                count("ingested", accepted);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.halt();
        } catch (Exception e) {
            LOG.warn("Ingestor {} could not push or commit ({}); it reads again from its last commit", name, e.toString());
            rewind(c);
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                loop.halt();
            }
        } finally {
            buffered.clear();
            deadLetters.clear();
            accepted = 0;
        }
    }

    /** Forgets every partition's state and seeks back to its last commit. */
    private void rewind(KafkaConsumer<String, byte[]> c) {
        Set<TopicPartition> assigned = c.assignment();
        partitions.clear();
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                c.seek(tp, at.offset());
            } else if ("earliest".equals(consumerProps.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG))) {
                c.seekToBeginning(List.of(tp));
            }
            partitions.put(tp, new Partition(at));
        }
    }

    /** The latest event time and the next offset, as written to a commit's metadata. */
    private static long[] metadata(@Nullable String text) {
        try {
            String[] parts = String.valueOf(text).split(":");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            return new long[] {Long.MIN_VALUE, -1};
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            flush(c, revoked.stream().filter(partitions::containsKey).toList());
            revoked.forEach(partitions::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.copyOf(assigned));
            for (TopicPartition tp : assigned) {
                partitions.put(tp, new Partition(committed.get(tp)));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            lost.forEach(partitions::remove);
            buffered.clear();
            deadLetters.clear();
            accepted = 0;
        }
    }

    private void count(String outcome) {
        count(outcome, 1);
    }

    private void count(String outcome, long n) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder(MetricNames.FEATURE_STREAM_RECORDS)
                .tags(MetricNames.TAG_STREAM, name, MetricNames.TAG_OUTCOME, o).register(meters)).increment(n);
    }

    /** Stops after pushing and committing what was read; open windows are read again by the next ingestor. */
    @Override
    public void close() {
        loop.stop();
        producer.close(Duration.ofSeconds(30));
    }

    /** Builds a {@link StreamIngestor}. */
    public static final class Builder {
        private final String name;
        private @Nullable String bootstrapServers;
        private @Nullable FeatureStore store;
        private @Nullable String viewName;
        private int viewVersion = 1;
        private @Nullable WindowAggregation aggregation;
        private Duration lateness = Duration.ZERO;
        private @Nullable String group;
        private int maxBatch = 10_000;
        private Duration linger = Duration.ofSeconds(1);
        private Duration backoff = Duration.ofSeconds(1);
        private JsonCodec json = JsonCodec.create();
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private @Nullable MeterRegistry meters;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the brokers.
         *
         * @param servers {@code host:port[,host:port...]}
         * @return this builder
         */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * Sets the feature store pushed to.
         *
         * @param store e.g. {@code mlops.features()}
         * @return this builder
         */
        public Builder store(FeatureStore store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the view filled; its stream source names the topic.
         *
         * @param name an applied view
         * @param version its version
         * @return this builder
         */
        public Builder view(String name, int version) {
            this.viewName = name;
            this.viewVersion = version;
            return this;
        }

        /**
         * Aggregates raw events over windows into the view's fields.
         *
         * @param aggregation one aggregate per field of the view
         * @param allowedLateness how far behind the latest event time of its partition an event may come
         * @return this builder
         */
        public Builder aggregation(WindowAggregation aggregation, Duration allowedLateness) {
            this.aggregation = Checks.notNull("ingestor.aggregation", aggregation);
            this.lateness = allowedLateness;
            return this;
        }

        /**
         * Sets the consumer group; ingestors of one group share the partitions.
         *
         * @param group by default {@code mlops-ingest-<name>}
         * @return this builder
         */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /**
         * Sets how many records are pushed at most at once.
         *
         * @param records 1 to 1,000,000; 10,000 by default
         * @return this builder
         */
        public Builder maxBatch(int records) {
            this.maxBatch = records;
            return this;
        }

        /**
         * Sets how long records wait to be pushed and committed with the next ones.
         *
         * @param linger positive; 1 s by default
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /**
         * Sets the pause before reading again after a failed push or commit.
         *
         * @param backoff positive; 1 s by default
         * @return this builder
         */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        /**
         * Sets the JSON codec whose limits apply to records.
         *
         * @param json the codec
         * @return this builder
         */
        public Builder json(JsonCodec json) {
            this.json = json;
            return this;
        }

        /**
         * Passes a Kafka client setting through, e.g. {@code security.protocol} or {@code sasl.jaas.config}.
         *
         * @param key the setting
         * @param value its value
         * @return this builder
         */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(Checks.text("client property", key, 200), Checks.notNull("client property " + key, value));
            return this;
        }

        /**
         * Sets where the record counts go.
         *
         * @param meters the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /**
         * Creates the ingestor; call {@link StreamIngestor#start()} to begin.
         *
         * @return the ingestor
         * @throws NotFoundException if the view or one of its entities is not applied
         * @throws ValidationException if the view does not read a stream, the aggregation does not
         *     fit the view, or another view reading the stream needs columns this one does not write
         */
        public StreamIngestor build() {
            return new StreamIngestor(this);
        }
    }
}
