/**
 * Testing code built on the SDK: the {@link dev.mlops.testkit.MlopsTest @MlopsTest} JUnit 5
 * extension (a fresh embedded platform per test, a {@link dev.mlops.testkit.TestClock} and a
 * {@link dev.mlops.testkit.RecordingEventBus}) and the AssertJ entry point
 * {@link dev.mlops.testkit.MlopsAssertions}.
 *
 * <pre>{@code
 * @MlopsTest
 * class RetrainTriggerTest {
 *     @Test
 *     void retrainsWhenDriftIsDetected(MlopsPlatform mlops, RecordingEventBus events, TestClock clock) {
 *         clock.advance(Duration.ofHours(1));
 *         ...
 *         assertThat(events).hasPublished("dev.mlops.pipeline.run.started");
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.testkit;
