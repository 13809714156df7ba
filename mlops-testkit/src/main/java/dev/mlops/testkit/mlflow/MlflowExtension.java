package dev.mlops.testkit.mlflow;

import dev.mlops.api.MlopsException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests an {@link MlflowTestServer}: one server per top-level test class (its {@code @Nested}
 * classes share it), started before the class's {@code @BeforeAll} methods and closed after the
 * class. Tests get it as a parameter, or from the extension registered on a static field:
 *
 * <pre>{@code
 * class MlflowTrackerTest {
 *     @RegisterExtension   // static: started before @BeforeAll; an instance field works from @BeforeEach on
 *     static final MlflowExtension MLFLOW = new MlflowExtension();
 *
 *     @Test
 *     void tracksARun() {
 *         Tracker tracker = MlflowTracker.builder().server(MlflowServer.of(MLFLOW.server().trackingUri())).build();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The server's state, recorded requests and faults are shared by the class's tests; use unique
 * names per test, or {@link MlflowTestServer#clearRequests()} and
 * {@link MlflowTestServer#clearFaults()} where a test counts requests.
 *
 * @since 0.1.0
 */
public final class MlflowExtension implements ParameterResolver, BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MlflowExtension.class);

    private volatile MlflowTestServer server;

    /** Creates the extension; JUnit does this, or a static field with {@code @RegisterExtension}. */
    public MlflowExtension() {
    }

    /**
     * Starts the class's server (or finds the one its enclosing class started).
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        server = serverFor(context);
    }

    /**
     * Finds the class's server for an extension registered on an instance field, which JUnit does
     * not call before the class.
     *
     * @param context the test's context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        server = serverFor(context);
    }

    /**
     * The server of the test class this extension was registered on.
     *
     * @return the running server
     * @throws MlopsException if the class's tests have not started yet
     */
    public MlflowTestServer server() {
        MlflowTestServer started = server;
        if (started == null) {
            throw new MlopsException("no MLflow test server yet: MlflowExtension starts it before the test class's"
                    + " @BeforeAll methods (before each test when registered on an instance field)");
        }
        return started;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MlflowTestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return serverFor(context);
    }

    private static MlflowTestServer serverFor(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().flatMap(ExtensionContext::getTestClass).isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, k -> new Server(), Server.class).mlflow;
    }

    /** Holds the server in JUnit's store, which closes it. */
    @SuppressWarnings("deprecation")
    static final class Server implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final MlflowTestServer mlflow = MlflowTestServer.start();

        @Override
        public void close() {
            mlflow.close();
        }
    }
}
