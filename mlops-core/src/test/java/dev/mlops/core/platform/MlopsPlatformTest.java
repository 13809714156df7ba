package dev.mlops.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.event.InProcessEventBus;
import java.net.URI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlopsPlatformTest {
    private static final Instant T = Instant.parse("2026-03-04T05:06:07Z");

    @TempDir
    Path dir;

    @Test
    void embeddedCreatesItsHomeAndWorksWithDefaults() {
        Path home = dir.resolve("a/b/.mlops");
        try (MlopsPlatform mlops = MlopsPlatform.embedded(home)) {
            assertThat(home).isDirectory();
            assertThat(mlops.home()).isEqualTo(home.toAbsolutePath());
            assertThat(mlops.name()).isEqualTo("mlops");
            assertThat(mlops.eventBus()).isInstanceOf(InProcessEventBus.class);
            assertThat(mlops.meterRegistry()).isInstanceOf(SimpleMeterRegistry.class);
            assertThat(mlops.json()).isNotNull();
            assertThat(mlops.context().properties()).isEmpty();
        }
    }

    @Test
    void newEventTakesItsTimeFromTheClockAndItsSourceFromTheName() {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).name("movie-ratings")
                .clock(Clock.fixed(T, ZoneOffset.UTC)).build()) {
            Event e = mlops.newEvent("com.acme.ratings.arrived").data("rows", 3).build();
            assertThat(e.time()).isEqualTo(T);
            assertThat(e.source()).hasToString("/platforms/movie-ratings");
            assertThat(mlops.clock().instant()).isEqualTo(T);
        }
    }

    @Test
    @SuppressWarnings("try")
    void announcesStartAndStopOnAHostBusAndLeavesItOpen() {
        SimpleMeterRegistry hostRegistry = new SimpleMeterRegistry();
        try (InProcessEventBus hostBus = InProcessEventBus.create()) {
            List<Event> seen = new CopyOnWriteArrayList<>();
            hostBus.subscribe("dev.mlops.platform.*", seen::add);
            MlopsPlatform mlops = MlopsPlatform.builder().home(dir).eventBus(hostBus).meterRegistry(hostRegistry).build();
            assertThat(mlops.eventBus()).isSameAs(hostBus);
            assertThat(mlops.meterRegistry()).isSameAs(hostRegistry);
            mlops.close();
            mlops.close();

            hostBus.publish(Event.builder("a.b").source("/x").build());   // still open
            hostBus.close();
            assertThat(seen).extracting(Event::type)
                    .containsExactly(EventTypes.PLATFORM_STARTED, EventTypes.PLATFORM_STOPPING);
            assertThat(seen.get(0).data()).containsEntry("home", dir.toAbsolutePath().toString());
            assertThat(hostRegistry.isClosed()).isFalse();
        }
    }

    @Test
    void closesTheBusItCreated() {
        MlopsPlatform mlops = MlopsPlatform.embedded(dir);
        mlops.close();
        assertThatThrownBy(() -> mlops.eventBus().publish(Event.builder("a.b").source("/x").build()))
                .isInstanceOf(MlopsException.class).hasMessageContaining("is closed");
    }

    @Test
    void findsEventBusProvidersOnTheClassPathAndPassesProperties() {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).eventBusProvider("test-bus")
                .property("custom.key", "v").build()) {
            assertThat(TestEventBusProvider.CREATED).contains((InProcessEventBus) mlops.eventBus());
            PlatformContext context = TestEventBusProvider.CONTEXTS.get(TestEventBusProvider.CONTEXTS.size() - 1);
            assertThat(context.property("custom.key")).contains("v");
            assertThat(context.home()).isEqualTo(dir.toAbsolutePath());
        }
    }

    @Test
    void configuresTheInProcessBusFromProperties() {
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).property("event.threads", "3")
                .property("event.queue-capacity", "5").property("event.drain-timeout", "PT2S").build()) {
            assertThat(mlops.context().intProperty("event.threads")).contains(3);
            assertThat(mlops.context().durationProperty("event.drain-timeout")).hasValueSatisfying(
                    d -> assertThat(d.toSeconds()).isEqualTo(2));
        }
    }

    @Test
    void opensTheArtifactStoreByUri() throws Exception {
        Path store = dir.resolve("shared-artifacts");
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir.resolve("home")).artifacts(store.toUri()).build()) {
            Path file = Files.writeString(dir.resolve("m.bin"), "w");
            assertThat(mlops.artifactStore().put(file).uri().toString()).startsWith(store.toUri().toString());
        }
        assertThatThrownBy(() -> MlopsPlatform.builder().home(dir).artifacts(URI.create("gs://bucket/x")).build())
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("artifact store provider 'gs' not found; schemes on the class path: [file");
        try (LocalArtifactStore local = LocalArtifactStore.at(store, JsonCodec.create())) {
            assertThatThrownBy(() -> MlopsPlatform.builder().home(dir).artifactStore(local).artifacts(store.toUri()).build())
                    .isInstanceOf(ConflictException.class).hasMessageStartingWith("platform.artifactStore and platform.artifacts are both set");
        }
    }

    @Test
    void rejectsMissingHome() {
        assertThatThrownBy(() -> MlopsPlatform.builder().build())
                .isInstanceOf(ValidationException.class).hasMessage("platform.home must be set, was null");
    }

    @Test
    void rejectsAHomeThatIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> MlopsPlatform.embedded(file))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("platform.home must be a directory that exists or can be created, was '" + file);
    }

    @Test
    void rejectsBadName() {
        assertThatThrownBy(() -> MlopsPlatform.builder().name("Movie Ratings"))
                .hasMessage("platform.name must start with a lowercase letter a-z, was 'Movie Ratings'");
    }

    @Test
    void rejectsNullParts() {
        assertThatThrownBy(() -> MlopsPlatform.builder().clock(null)).hasMessage("platform.clock must be set, was null");
        assertThatThrownBy(() -> MlopsPlatform.builder().eventBus(null)).hasMessage("platform.eventBus must be set, was null");
        assertThatThrownBy(() -> MlopsPlatform.builder().meterRegistry(null))
                .hasMessage("platform.meterRegistry must be set, was null");
        assertThatThrownBy(() -> MlopsPlatform.builder().json(null)).hasMessage("platform.json must be set, was null");
    }

    @Test
    void rejectsBlankPropertyKey() {
        assertThatThrownBy(() -> MlopsPlatform.builder().property(" ", "v"))
                .hasMessage("platform.property key must not be blank, was ' '");
    }

    @Test
    void rejectsBothABusAndAProvider() {
        try (InProcessEventBus bus = InProcessEventBus.create()) {
            assertThatThrownBy(() -> MlopsPlatform.builder().home(dir).eventBus(bus).eventBusProvider("in-process").build())
                    .isInstanceOf(ConflictException.class)
                    .hasMessage("platform.eventBus and platform.eventBusProvider are both set ('in-process'); set one");
        }
    }

    @Test
    void rejectsUnknownProviderNamingThoseAvailable() {
        Path home = dir.resolve("never-created");
        assertThatThrownBy(() -> MlopsPlatform.builder().home(home).eventBusProvider("kafka").build())
                .isInstanceOf(NotFoundException.class)
                .hasMessage("event bus provider 'kafka' not found; on the class path: in-process, test-bus");
        assertThatThrownBy(() -> MlopsPlatform.builder().home(home).trackerProvider("mlflow").build())
                .isInstanceOf(NotFoundException.class)
                .hasMessage("tracker provider 'mlflow' not found; on the class path: ");
        assertThatThrownBy(() -> MlopsPlatform.builder().trackerProvider("Not A Name")).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("platform.trackerProvider must");
        assertThat(home).doesNotExist();
    }

    @Test
    void rejectsBadProviderPropertyAndClosesWhatItCreated() {
        assertThatThrownBy(() -> MlopsPlatform.builder().home(dir).property("event.threads", "many").build())
                .isInstanceOf(ValidationException.class)
                .hasMessage("property event.threads must be a whole number, was 'many'");
        assertThatThrownBy(() -> MlopsPlatform.builder().home(dir).property("event.drain-timeout", "10s").build())
                .hasMessage("property event.drain-timeout must be an ISO-8601 duration such as PT30S, was '10s'");
    }
}
