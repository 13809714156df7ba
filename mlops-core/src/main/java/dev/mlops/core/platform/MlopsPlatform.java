package dev.mlops.core.platform;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.OfflineStore;
import dev.mlops.api.feature.OnlineStore;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.tracking.Tracker;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.event.EventBusProvider;
import dev.mlops.core.artifact.ArtifactStoreProvider;
import dev.mlops.core.artifact.LocalArtifactStore;
import dev.mlops.core.event.InProcessEventBusProvider;
import dev.mlops.core.feature.EmbeddedFeatureStore;
import dev.mlops.core.model.EmbeddedModelRegistry;
import dev.mlops.core.model.RegistryProvider;
import dev.mlops.core.monitor.DataQualityMetrics;
import dev.mlops.core.tracking.EmbeddedTracker;
import dev.mlops.core.tracking.TrackerProvider;
import dev.mlops.core.pipeline.EmbeddedPipelines;
import dev.mlops.core.pipeline.Triggers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object a host application holds: it composes the parts of the SDK (event bus, meter registry,
 * clock, JSON codec; and, as the SDK grows, registry, feature store, serving) around one home
 * directory. {@link #embedded(Path)} gives a working platform on files with no servers;
 * {@link #builder()} lets each part be replaced.
 *
 * <p>Parts the platform creates, it closes in {@link #close()}. Parts the host passes in (an event
 * bus, a meter registry) stay the host's: the platform uses them and leaves them open.
 *
 * <pre>{@code
 * try (MlopsPlatform mlops = MlopsPlatform.embedded(Path.of(".mlops"))) {
 *     mlops.eventBus().subscribe("dev.mlops.model.**", e -> log.info("{}", e));
 *     mlops.eventBus().publish(mlops.newEvent("com.acme.ratings.arrived").data("rows", 3).build());
 * }
 *
 * MlopsPlatform custom = MlopsPlatform.builder()
 *         .name("movie-ratings")
 *         .home(Path.of("/var/lib/movie-ratings"))
 *         .meterRegistry(prometheusRegistry)
 *         .eventBusProvider("kafka")
 *         .property("kafka.bootstrap-servers", "broker:9092")
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlopsPlatform implements Platform, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MlopsPlatform.class);

    private final PlatformContext context;
    private final EventBus eventBus;
    private final EmbeddedPipelines pipelines;
    private final ArtifactStore artifactStore;
    private final ModelRegistry registry;
    private final Tracker tracker;
    private final FeatureStore features;
    private final Triggers triggers;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MlopsPlatform(PlatformContext context, EventBus eventBus, ArtifactStore artifactStore,
            @Nullable OnlineStore onlineStore, @Nullable OfflineStore offlineStore, @Nullable TrackerProvider trackerProvider,
            @Nullable RegistryProvider registryProvider, List<AutoCloseable> owned) {
        this.context = context;
        this.eventBus = eventBus;
        this.owned = owned;
        this.pipelines = new EmbeddedPipelines(this, context.json(), context.meterRegistry(),
                context.intProperty("pipeline.threads").orElse(EmbeddedPipelines.DEFAULT_THREADS));
        owned.add(pipelines);
        this.artifactStore = artifactStore;
        if (registryProvider != null) {
            this.registry = registryProvider.create(context, eventBus, artifactStore);
            if (registry instanceof AutoCloseable closeable) {
                owned.add(closeable);
            }
        } else {
            this.registry = new EmbeddedModelRegistry(context.home().resolve("registry"), artifactStore, context.json(),
                    context.clock(), eventBus, context.meterRegistry());
        }
        this.tracker = trackerProvider != null ? trackerProvider.create(context, eventBus)
                : new EmbeddedTracker(context.home().resolve("tracking"), artifactStore, context.json(), context.clock(), eventBus);
        if (tracker instanceof AutoCloseable closeable) {
            owned.add(closeable);
        }
        EmbeddedFeatureStore featureStore = new EmbeddedFeatureStore(context.home().resolve("features"), context.json(),
                context.clock(), eventBus, context.meterRegistry(), onlineStore, offlineStore);
        owned.add(featureStore);
        this.features = featureStore;
        this.triggers = new Triggers(this, context.meterRegistry(),
                context.durationProperty("trigger.dedup-window").orElse(Triggers.DEFAULT_DEDUP_WINDOW),
                context.intProperty("trigger.dedup-capacity").orElse(Triggers.DEFAULT_DEDUP_CAPACITY));
        owned.add(triggers);
    }

    /**
     * Starts a platform with every part embedded, on files under {@code home} (created if missing).
     *
     * @param home the home directory
     * @return a running platform
     * @throws ValidationException if {@code home} cannot be used as a writable directory
     */
    public static MlopsPlatform embedded(Path home) {
        return builder().home(home).build();
    }

    /**
     * Starts a platform whose parts can be replaced.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The platform name, used in event sources, thread names and metric tags.
     *
     * @return the name, {@code mlops} unless set
     */
    @Override
    public String name() {
        return context.name();
    }

    /**
     * The home directory, absolute.
     *
     * @return the directory under which every embedded part keeps its files
     */
    @Override
    public Path home() {
        return context.home();
    }

    /**
     * The clock every part reads time from.
     *
     * @return the clock
     */
    @Override
    public Clock clock() {
        return context.clock();
    }

    /**
     * The event bus.
     *
     * @return the bus
     */
    @Override
    public EventBus eventBus() {
        return eventBus;
    }

    /**
     * Runs pipelines and keeps their history under {@code <home>/pipelines}; its thread count is the
     * property {@code pipeline.threads}.
     *
     * @return the pipeline runner
     */
    @Override
    public EmbeddedPipelines pipelines() {
        return pipelines;
    }

    /**
     * Reacts to events on its own: registers {@link dev.mlops.api.pipeline.Trigger}s that start
     * pipelines or run actions when matching events arrive on {@link #eventBus()}. Closed with the
     * platform, before the pipelines. Properties {@code trigger.dedup-window} (ISO-8601, default one
     * hour) and {@code trigger.dedup-capacity} (default 10,000) bound how long and how many events each
     * trigger remembers to recognise a redelivery.
     *
     * <pre>{@code
     * mlops.triggers().register(Triggers.retrainOnDrift("movie-rater", retrainPipeline));
     * }</pre>
     *
     * @return the triggers
     */
    public Triggers triggers() {
        return triggers;
    }

    /**
     * Registered models, versions, aliases and stages, under {@code <home>/registry}.
     *
     * @return the model registry
     */
    @Override
    public ModelRegistry registry() {
        return registry;
    }

    /**
     * Feature definitions, under {@code <home>/features}.
     *
     * @return the feature store
     */
    @Override
    public FeatureStore features() {
        return features;
    }

    /**
     * Experiments and tracking runs, under {@code <home>/tracking}.
     *
     * @return the tracker
     */
    @Override
    public Tracker tracker() {
        return tracker;
    }

    /**
     * Where model versions and other artifacts are stored: {@code <home>/artifacts}, by content.
     *
     * @return the artifact store
     */
    public ArtifactStore artifactStore() {
        return artifactStore;
    }

    /**
     * The meter registry every part records its metrics in.
     *
     * @return the registry
     */
    public MeterRegistry meterRegistry() {
        return context.meterRegistry();
    }

    /**
     * The JSON codec.
     *
     * @return the codec
     */
    public JsonCodec json() {
        return context.json();
    }

    /**
     * What the platform hands to providers: name, home, clock, registry, codec and properties.
     *
     * @return the context
     */
    public PlatformContext context() {
        return context;
    }

    /**
     * Starts an event from this platform: source {@code /platforms/<name>}, time from {@link #clock()}.
     *
     * @param type the event type, e.g. {@code "com.acme.ratings.arrived"}
     * @return a builder to complete and {@link Event.Builder#build() build}
     */
    public Event.Builder newEvent(String type) {
        return Event.builder(type).source("/platforms/" + name()).time(clock().instant());
    }

    /**
     * Announces {@link EventTypes#PLATFORM_STOPPING}, then closes the parts the platform created
     * (draining the event bus). Calling it again has no effect.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            eventBus.publish(newEvent(EventTypes.PLATFORM_STOPPING).subject(name()).build());
        } catch (RuntimeException e) {
            LOG.warn("Platform '{}': could not announce stopping: {}", name(), e.getMessage());
        }
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("Failed to close {}", parts.get(i), e);
            }
        }
    }

    /**
     * Builds an {@link MlopsPlatform}; checks every setting before it creates anything.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String name = "mlops";
        private @Nullable Path home;
        private Clock clock = Clock.systemUTC();
        private @Nullable MeterRegistry meterRegistry;
        private @Nullable EventBus eventBus;
        private @Nullable String eventBusProvider;
        private @Nullable String trackerProvider;
        private @Nullable String registryProvider;
        private @Nullable ArtifactStore artifactStore;
        private @Nullable URI artifacts;
        private @Nullable OnlineStore onlineStore;
        private @Nullable OfflineStore offlineStore;
        private JsonCodec json = JsonCodec.create();
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Names the platform.
         *
         * @param name a valid {@link Name}; default {@code mlops}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Name.check("platform.name", name);
            return this;
        }

        /**
         * Sets the home directory; required. It is created at {@link #build()} if missing.
         *
         * @param home the directory
         * @return this builder
         */
        public Builder home(Path home) {
            this.home = Checks.notNull("platform.home", home);
            return this;
        }

        /**
         * Sets the clock every part reads time from.
         *
         * @param clock the clock; default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("platform.clock", clock);
            return this;
        }

        /**
         * Sets the meter registry; the host keeps owning it.
         *
         * @param registry e.g. a Prometheus registry; default a {@link SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Checks.notNull("platform.meterRegistry", registry);
            return this;
        }

        /**
         * Uses an event bus the host created; the host keeps owning it.
         *
         * @param bus the bus
         * @return this builder
         */
        public Builder eventBus(EventBus bus) {
            this.eventBus = Checks.notNull("platform.eventBus", bus);
            return this;
        }

        /**
         * Creates the event bus with the {@link EventBusProvider} of this name, found on the class path.
         *
         * @param provider e.g. {@code "kafka"}; default {@value InProcessEventBusProvider#NAME}
         * @return this builder
         */
        public Builder eventBusProvider(String provider) {
            this.eventBusProvider = Name.check("platform.eventBusProvider", provider);
            return this;
        }

        /**
         * Creates the tracker with the {@link TrackerProvider} of this name, found on the class path,
         * instead of the embedded one.
         *
         * @param provider e.g. {@code "mlflow"}
         * @return this builder
         */
        public Builder trackerProvider(String provider) {
            this.trackerProvider = Name.check("platform.trackerProvider", provider);
            return this;
        }

        /**
         * Creates the model registry with the {@link RegistryProvider} of this name, found on the class
         * path, instead of the embedded one.
         *
         * @param provider e.g. {@code "mlflow"}
         * @return this builder
         */
        public Builder registryProvider(String provider) {
            this.registryProvider = Name.check("platform.registryProvider", provider);
            return this;
        }

        /**
         * Uses an artifact store the host created; the host keeps owning it.
         *
         * @param store the store
         * @return this builder
         */
        public Builder artifactStore(ArtifactStore store) {
            this.artifactStore = Checks.notNull("platform.artifactStore", store);
            return this;
        }

        /**
         * Uses an online feature store the host created (e.g. one on Redis); the host keeps owning it.
         *
         * @param store the store; default RocksDB under {@code <home>/features/online}
         * @return this builder
         */
        public Builder onlineStore(OnlineStore store) {
            this.onlineStore = Checks.notNull("platform.onlineStore", store);
            return this;
        }

        /**
         * Uses an offline feature store the host created (e.g. one on a SQL warehouse); the host keeps owning it.
         *
         * @param store the store; default DuckDB over the views' files
         * @return this builder
         */
        public Builder offlineStore(OfflineStore store) {
            this.offlineStore = Checks.notNull("platform.offlineStore", store);
            return this;
        }

        /**
         * Opens the artifact store at a URI with the {@link ArtifactStoreProvider} of its scheme, e.g.
         * {@code s3://bucket/prefix} with mlops-s3 on the class path.
         *
         * @param uri the store's root; default {@code <home>/artifacts}
         * @return this builder
         */
        public Builder artifacts(URI uri) {
            this.artifacts = Checks.notNull("platform.artifacts", uri);
            return this;
        }

        /**
         * Sets the JSON codec, e.g. one with tighter limits.
         *
         * @param json the codec; default {@link JsonCodec#create()}
         * @return this builder
         */
        public Builder json(JsonCodec json) {
            this.json = Checks.notNull("platform.json", json);
            return this;
        }

        /**
         * Sets a property for the providers, e.g. {@code event.threads}.
         *
         * @param key a non-blank key of at most 256 characters
         * @param value the value
         * @return this builder
         */
        public Builder property(String key, String value) {
            Checks.text("platform.property key", key, 256);
            properties.put(key, Checks.notNull("platform.property " + key, value));
            return this;
        }

        /**
         * Checks the settings, creates the home directory and the parts, and announces
         * {@link EventTypes#PLATFORM_STARTED}. If anything fails, what was created is closed again.
         *
         * @return a running platform
         * @throws ValidationException if a setting is missing or invalid
         * @throws NotFoundException if the named event bus, tracker or registry provider is not on the class path
         * @throws ConflictException if both an event bus and a provider were set
         */
        public MlopsPlatform build() {
            Checks.notNull("platform.home", home);
            if (eventBus != null && eventBusProvider != null) {
                throw new ConflictException("platform.eventBus and platform.eventBusProvider are both set ('"
                        + eventBusProvider + "'); set one");
            }
            if (artifactStore != null && artifacts != null) {
                throw new ConflictException("platform.artifactStore and platform.artifacts are both set ('" + artifacts
                        + "'); set one");
            }
            EventBusProvider provider = eventBus == null
                    ? findProvider(eventBusProvider == null ? InProcessEventBusProvider.NAME : eventBusProvider)
                    : null;
            ArtifactStoreProvider storeProvider = artifacts == null ? null
                    : ArtifactStoreProvider.forScheme(artifacts.getScheme() == null ? "" : artifacts.getScheme());
            TrackerProvider trackers = trackerProvider == null ? null
                    : find(TrackerProvider.class, TrackerProvider::name, trackerProvider, "tracker provider");
            RegistryProvider registries = registryProvider == null ? null
                    : find(RegistryProvider.class, RegistryProvider::name, registryProvider, "registry provider");
            Path dir = prepareHome(home);
            List<AutoCloseable> owned = new ArrayList<>();
            try {
                MeterRegistry registry = meterRegistry;
                if (registry == null) {
                    SimpleMeterRegistry simple = new SimpleMeterRegistry();
                    owned.add(simple::close);
                    registry = simple;
                }
                registry.config().meterFilter(MetricNames.descriptions());
                PlatformContext context = new PlatformContext(name, dir, clock, registry, json, properties);
                EventBus bus = eventBus;
                if (bus == null) {
                    bus = provider.create(context);
                    owned.add(bus);
                }
                ArtifactStore store = artifactStore;
                if (store == null) {
                    store = storeProvider != null ? storeProvider.open(artifacts, context)
                            : LocalArtifactStore.at(dir.resolve("artifacts"), json);
                    owned.add(store);
                }
                Subscription quality = bus.subscribe(DataQualityMetrics.PATTERN, new DataQualityMetrics(registry));
                if (eventBus != null) {
                    owned.add(quality);     // the host's bus outlives the platform; an owned bus drains first, then ends it
                }
                MlopsPlatform platform = new MlopsPlatform(context, bus, store, onlineStore, offlineStore, trackers, registries, owned);
                bus.publish(platform.newEvent(EventTypes.PLATFORM_STARTED).subject(name)
                        .data("home", dir.toString()).build());
                LOG.info("Platform '{}' started in {}", name, dir);
                return platform;
            } catch (RuntimeException e) {
                closeAll(owned);
                throw e;
            }
        }

        private static EventBusProvider findProvider(String wanted) {
            return find(EventBusProvider.class, EventBusProvider::name, wanted, "event bus provider");
        }

        /** The service-loaded provider of a name. */
        private static <P> P find(Class<P> type, Function<P, String> name, String wanted, String kind) {
            Map<String, P> found = new TreeMap<>();
            for (P provider : ServiceLoader.load(type)) {
                found.putIfAbsent(name.apply(provider), provider);
            }
            P provider = found.get(wanted);
            if (provider == null) {
                throw new NotFoundException(kind, wanted, "on the class path: " + String.join(", ", found.keySet()));
            }
            return provider;
        }

        private static Path prepareHome(Path home) {
            Path dir = home.toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw ValidationException.withCause("platform.home", "platform.home must be a directory that"
                        + " exists or can be created, was '" + dir + "' (" + e + ")", e);
            }
            if (!Files.isWritable(dir)) {
                throw new ValidationException("platform.home", "be a writable directory", dir);
            }
            return dir;
        }
    }
}
