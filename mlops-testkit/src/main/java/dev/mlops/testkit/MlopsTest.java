package dev.mlops.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class whose tests get a fresh embedded platform each: see
 * {@link MlopsExtension} for what can be injected.
 *
 * <pre>{@code
 * @MlopsTest
 * class ScoringTest {
 *     @Test
 *     void publishes(MlopsPlatform mlops, RecordingEventBus events) { ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(MlopsExtension.class)
public @interface MlopsTest {
}
