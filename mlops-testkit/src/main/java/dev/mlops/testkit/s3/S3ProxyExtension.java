package dev.mlops.testkit.s3;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests an {@link EmbeddedS3}: one server per test class, started on first use and stopped
 * after the class.
 *
 * <pre>{@code
 * @ExtendWith(S3ProxyExtension.class)
 * class ModelUploadTest {
 *     @Test
 *     void uploads(EmbeddedS3 s3) { ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class S3ProxyExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3ProxyExtension.class);

    /** Creates the extension; JUnit does this. */
    public S3ProxyExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedS3.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = context.getParent().filter(c -> c.getTestClass().isPresent()
                && c.getTestMethod().isEmpty()).orElse(context);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, k -> new Server(), Server.class).s3;
    }

    /** Holds the server in JUnit's store, which closes it. */
    @SuppressWarnings("deprecation")
    static final class Server implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final EmbeddedS3 s3 = EmbeddedS3.start();
        private boolean closed;

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                s3.close();
            }
        }
    }
}
