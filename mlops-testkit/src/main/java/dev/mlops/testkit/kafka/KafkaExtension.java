package dev.mlops.testkit.kafka;

import dev.mlops.api.MlopsException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests an {@link EmbeddedKafka}: one broker per top-level test class (its {@code @Nested}
 * classes share it), started before the class's {@code @BeforeAll} methods and closed, its data
 * deleted, after the class. Tests that {@link EmbeddedKafka#stop() stop} the broker should
 * {@link EmbeddedKafka#restart() restart} it before they end.
 *
 * <p>Tests get the broker as a parameter of a test, lifecycle method or constructor:
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class RetrainTriggerTest {
 *     @Test
 *     void retrainsOnAnEventFromAnotherJvm(EmbeddedKafka kafka) {
 *         kafka.createTopic("mlops-events", 1);
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * <p>or, where no parameter can be declared (a method a compatibility kit calls), from the
 * extension registered on a static field:
 *
 * <pre>{@code
 * class KafkaEventBusTest extends EventBusTck {
 *     @RegisterExtension
 *     static final KafkaExtension KAFKA = new KafkaExtension();
 *
 *     protected EventBus createBus() {
 *         return KafkaEventBus.builder().bootstrapServers(KAFKA.broker().bootstrapServers()).build();
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class KafkaExtension implements ParameterResolver, BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    private volatile EmbeddedKafka broker;

    /** Creates the extension; JUnit does this, or a static field with {@code @RegisterExtension}. */
    public KafkaExtension() {
    }

    /**
     * Starts the class's broker (or finds the one its enclosing class started).
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        broker = brokerFor(context);
    }

    /**
     * The broker of the test class this extension was registered on, for code that cannot declare an
     * {@link EmbeddedKafka} parameter.
     *
     * @return the running broker
     * @throws MlopsException if the class's tests have not started yet, or the extension was not
     *     registered on a static field
     */
    public EmbeddedKafka broker() {
        EmbeddedKafka started = broker;
        if (started == null) {
            throw new MlopsException("no embedded Kafka broker yet: KafkaExtension starts it before the test class's"
                    + " @BeforeAll methods, when registered with @ExtendWith or on a static @RegisterExtension field");
        }
        return started;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return brokerFor(context);
    }

    /** The broker kept in the store of the outermost test class of a context, started on first use. */
    private static EmbeddedKafka brokerFor(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().flatMap(ExtensionContext::getTestClass).isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Broker.class, k -> new Broker(), Broker.class).kafka;
    }

    /** Holds the broker in JUnit's store, which closes it. */
    @SuppressWarnings("deprecation")
    static final class Broker implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final EmbeddedKafka kafka = EmbeddedKafka.start();

        @Override
        public void close() {
            kafka.close();
        }
    }
}
