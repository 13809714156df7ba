package dev.mlops.testkit;

import static dev.mlops.testkit.MlopsAssertions.assertThat;

import dev.mlops.api.event.EventTypes;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MlopsTest
class MlopsExtensionTest {
    private static final List<Path> HOMES = new CopyOnWriteArrayList<>();
    private MlopsPlatform fromBeforeEach;

    @BeforeEach
    void setUp(MlopsPlatform mlops) {
        fromBeforeEach = mlops;
    }

    @Test
    void injectsOnePlatformClockAndBusPerTest(MlopsPlatform mlops, TestClock clock, RecordingEventBus events) {
        HOMES.add(mlops.home());
        assertThat(mlops).isSameAs(fromBeforeEach);
        assertThat(mlops.home()).isDirectory();
        assertThat(mlops.clock()).isSameAs(clock);
        assertThat(mlops.eventBus()).isSameAs(events);
        assertThat(clock.instant()).isEqualTo(TestClock.DEFAULT_START);
        assertThat(events).hasPublished(EventTypes.PLATFORM_STARTED)
                .lastPublished(EventTypes.PLATFORM_STARTED).hasSubject("test").hasTime(TestClock.DEFAULT_START);
    }

    @Test
    void platformEventsFollowTheTestClock(MlopsPlatform mlops, TestClock clock, RecordingEventBus events) {
        HOMES.add(mlops.home());
        clock.advance(Duration.ofDays(1));
        mlops.eventBus().publish(mlops.newEvent("com.acme.ratings.arrived").data("rows", 3).build());
        assertThat(events).lastPublished("com.acme.**")
                .hasTime(TestClock.DEFAULT_START.plus(Duration.ofDays(1)))
                .hasSource("/platforms/test")
                .hasData("rows", 3);
    }

    @AfterAll
    static void eachTestHadItsOwnHomeAndItIsGone() {
        assertThat(HOMES).hasSize(2).doesNotHaveDuplicates();
        assertThat(HOMES).allSatisfy(home -> assertThat(home).doesNotExist());
    }
}
