package dev.mlops.testkit;

import dev.mlops.api.MlopsException;
import dev.mlops.core.event.InProcessEventBus;
import dev.mlops.core.platform.MlopsPlatform;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test its own embedded {@link MlopsPlatform} in a temporary home directory, driven by a
 * {@link TestClock} (starting at {@link TestClock#DEFAULT_START}) and a {@link RecordingEventBus}.
 * Test methods, constructors and {@code @BeforeEach}/{@code @AfterEach} methods may declare any of
 * the three as parameters; within one test they are the same objects. After the test the platform
 * and bus are closed and the home directory deleted.
 *
 * <pre>{@code
 * @ExtendWith(MlopsExtension.class)
 * class AliasTest {
 *     @Test
 *     void announcesAliasChanges(MlopsPlatform mlops, RecordingEventBus events, TestClock clock) {
 *         mlops.eventBus().publish(mlops.newEvent(EventTypes.MODEL_ALIAS_CHANGED).subject("m").build());
 *         MlopsAssertions.assertThat(events).hasPublished(EventTypes.MODEL_ALIAS_CHANGED);
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlopsExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MlopsExtension.class);
    private static final Set<Class<?>> RESOLVED = Set.of(MlopsPlatform.class, TestClock.class, RecordingEventBus.class);

    /** Creates the extension; JUnit does this for {@link MlopsTest}. */
    public MlopsExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return RESOLVED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Fixture fixture = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(Fixture.class, type -> new Fixture(context), Fixture.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == MlopsPlatform.class) {
            return fixture.platform;
        }
        return type == TestClock.class ? fixture.clock : fixture.events;
    }

    /** One test's platform, clock, bus and home; closed by JUnit when the test's context ends. */
    @SuppressWarnings("deprecation")
    static final class Fixture implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Path home;
        final TestClock clock = TestClock.at(TestClock.DEFAULT_START);
        final RecordingEventBus events;
        final MlopsPlatform platform;
        private boolean closed;

        Fixture(ExtensionContext context) {
            try {
                home = Files.createTempDirectory("mlops-test-");
            } catch (IOException e) {
                throw new MlopsException("cannot create a temporary home for " + context.getDisplayName(), e, true);
            }
            events = RecordingEventBus.wrap(InProcessEventBus.builder().name("test").build());
            platform = MlopsPlatform.builder().name("test").home(home).clock(clock).eventBus(events).build();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            platform.close();
            events.close();
            deleteRecursively(home);
        }

        private static void deleteRecursively(Path root) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new MlopsException("cannot delete the test home " + root + ": " + e, e, false);
            }
        }
    }
}
