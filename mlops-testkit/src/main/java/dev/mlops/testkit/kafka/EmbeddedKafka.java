package dev.mlops.testkit.kafka;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker in KRaft mode (one process that is both broker and controller)
 * inside the test JVM, on a free loopback port, keeping its logs in a temporary directory. It starts
 * in about three seconds and speaks the real protocol, so tests use plain {@code kafka-clients} (or
 * the SDK's Kafka bus) against it rather than a mock.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("ratings", 3);
 *     Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
 *     try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
 *         producer.send(new ProducerRecord<>("ratings", "user-1", "5")).get();
 *     }
 *     kafka.stop();      // the broker goes away; clients see disconnects and retry
 *     kafka.restart();   // same port, same data; clients reconnect on their own
 * }
 * }</pre>
 *
 * <p>Fault tests can {@link #stop()} the broker in the middle of a stream and {@link #restart()} it:
 * it comes back on the same address with the topics, records and committed offsets it had. The stop
 * is an orderly shutdown of the broker and its controller inside this JVM, not a crash; to test a
 * crash, run the code under test in a child JVM and kill that.
 *
 * <p>This is the only class of the SDK that uses Kafka's internal test kit
 * ({@code org.apache.kafka:kafka-test-common-runtime}), which has no compatibility promise: a Kafka
 * upgrade touches only this file.
 *
 * @since 0.1.0
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** How long starting, stopping, restarting and creating a topic may take. */
    private static final long TIMEOUT_SECONDS = 60;
    /** Kafka's rule for topic names. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * Settings a single broker needs: the internal topics default to three replicas, and consumer
     * groups wait for them (without {@code offsets.topic.replication.factor=1} they never get
     * records); the first rebalance is not delayed; the internal topics get one partition, which a
     * test broker loads faster than fifty.
     */
    private static final Map<String, String> BROKER_CONFIG = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0");

    private final KafkaClusterTestKit cluster;
    private final Path directory;
    private final String bootstrapServers;
    private Admin admin;
    private volatile boolean running = true;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path directory) {
        this.cluster = cluster;
        this.directory = directory;
        this.bootstrapServers = cluster.bootstrapServers();
    }

    /**
     * Starts a broker: formats a fresh temporary directory, starts the node and waits until the
     * broker is registered and unfenced, so that it accepts requests as soon as this returns.
     *
     * @return the running broker
     * @throws MlopsException if it cannot start within 60 seconds
     */
    public static EmbeddedKafka start() {
        Path directory;
        try {
            directory = Files.createTempDirectory("mlops-kafka-");
        } catch (IOException e) {
            throw new MlopsException("cannot create a directory for the embedded Kafka broker: " + e, e, true);
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(directory)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            BROKER_CONFIG.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, directory);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (cluster != null) {
                closeQuietly(cluster, e);
            }
            deleteRecursively(directory);
            throw new MlopsException("cannot start the embedded Kafka broker in " + directory + ": " + e, e, true);
        }
    }

    /**
     * The address clients connect to. It stays the same across {@link #stop()} and
     * {@link #restart()}.
     *
     * @return e.g. {@code localhost:41234}, the value for {@code bootstrap.servers}
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The directory that holds the broker's metadata and topic logs; deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * Tells whether the broker is up: started and neither stopped nor closed.
     *
     * @return {@code true} while it accepts requests
     */
    public synchronized boolean running() {
        return running && !closed;
    }

    /**
     * Stops the broker and its controller in an orderly way, keeping the directory, so that
     * {@link #restart()} brings back every topic, record and committed offset. Clients see their
     * connections close and keep retrying until the broker is back (or their own timeouts end); a
     * producer's {@code send} may block for up to its {@code max.block.ms} meanwhile, waiting for
     * metadata. Stopping a stopped broker has no effect.
     *
     * @throws MlopsException if the broker is closed or does not stop within 60 seconds
     */
    public synchronized void stop() {
        checkOpen("stop");
        if (!running) {
            return;
        }
        closeAdmin();
        BrokerServer broker = broker();
        ControllerServer controller = controller();
        running = false;
        broker.shutdown(Duration.ofSeconds(TIMEOUT_SECONDS));
        controller.shutdown();
    }

    /**
     * Starts the broker again on the same port with the same directory, and waits until it accepts
     * requests. If it is running, it is {@link #stop() stopped} first, so this also bounces a
     * running broker.
     *
     * @throws MlopsException if the broker is closed, or does not come back within 60 seconds on
     *     the same address
     */
    public synchronized void restart() {
        checkOpen("restart");
        if (running) {
            stop();
        }
        try {
            controller().startup();
            broker().startup();
            cluster.waitForReadyBrokers();
        } catch (ExecutionException | RuntimeException e) {
            throw new MlopsException("cannot restart the embedded Kafka broker at " + bootstrapServers + ": " + e, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while restarting the embedded Kafka broker at " + bootstrapServers, e, true);
        }
        running = true;
        String now = cluster.bootstrapServers();
        if (!now.equals(bootstrapServers)) {
            throw new MlopsException("the embedded Kafka broker came back at " + now + " instead of " + bootstrapServers);
        }
    }

    /**
     * Creates a topic with one replica per partition and waits until the controller has created it.
     *
     * @param name the topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}
     * @param partitions the number of partitions, 1 to 10,000
     * @throws ValidationException if the name or the partition count is invalid
     * @throws ConflictException if the topic exists already
     * @throws MlopsException if the broker is stopped or closed, or the topic cannot be created
     */
    public void createTopic(String name, int partitions) {
        Checks.notNull("topic", name);
        if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new ValidationException("topic", "be 1 to 249 of [a-zA-Z0-9._-] and not '.' or '..'", name);
        }
        Checks.inRange("partitions", partitions, 1, 10_000);
        Admin client = admin();
        try {
            client.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new ConflictException("topic '" + name + "' already exists on " + bootstrapServers);
            }
            throw new MlopsException("cannot create topic '" + name + "' on " + bootstrapServers + ": " + e.getCause(),
                    e.getCause(), true);
        } catch (TimeoutException e) {
            throw new MlopsException("topic '" + name + "' was not created on " + bootstrapServers + " within "
                    + TIMEOUT_SECONDS + " s", e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while creating topic '" + name + "'", e, true);
        }
    }

    /**
     * Reads a topic from its beginning, in a fresh consumer group, until it has seen a number of
     * records or the timeout passes — what a test checks an output or dead-letter topic with.
     *
     * <pre>{@code
     * List<ConsumerRecord<String, byte[]>> dead = broker.read("rating-requests-dlt", 1, Duration.ofSeconds(30));
     * }</pre>
     *
     * @param topic the topic
     * @param expected how many records to wait for
     * @param timeout how long to wait at most
     * @return the records read, in partition order; fewer than {@code expected} if the time ran out
     */
    public List<ConsumerRecord<String, byte[]>> read(String topic, int expected, Duration timeout) {
        Checks.text("topic", topic, 249);
        Checks.positive("timeout", timeout);
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(found::add);
            }
        }
        return found;
    }

    /**
     * An admin client for the broker, made on first use. It is closed by {@link #stop()} and
     * {@link #close()}; after a restart this returns a new one.
     *
     * @return the client
     * @throws MlopsException if the broker is stopped or closed
     */
    public synchronized Admin admin() {
        checkOpen("give an admin client");
        if (!running) {
            throw new MlopsException("the embedded Kafka broker at " + bootstrapServers + " is stopped; restart() it first");
        }
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }
        return admin;
    }

    /**
     * Stops the broker and deletes its directory. Calling it again has no effect.
     *
     * @throws MlopsException if the broker reported a fault while it ran or stopped
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        closeAdmin();
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MlopsException("the embedded Kafka broker at " + bootstrapServers + " failed: " + e, e, false);
        } finally {
            deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + (closed ? ", closed" : running ? "" : ", stopped") + "]";
    }

    private void checkOpen(String action) {
        if (closed) {
            throw new MlopsException("the embedded Kafka broker at " + bootstrapServers + " is closed; cannot " + action);
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    private ControllerServer controller() {
        return cluster.controllers().values().iterator().next();
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Exception failure) {
        try {
            cluster.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Leave it to the operating system's temporary-file cleaning.
        }
    }
}
