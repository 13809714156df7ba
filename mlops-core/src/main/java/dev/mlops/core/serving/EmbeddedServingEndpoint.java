package dev.mlops.core.serving;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Nullable;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.model.ModelRegistry;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.Route;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link ServingEndpoint}: requests wait in a bounded queue; each worker thread takes
 * the first waiting request, gathers more until the batch is full or the first has waited
 * {@code maxBatchDelay}, drops those whose deadline has passed, and runs the batch on its own
 * predictor. The model is bound to a registry alias (or pinned to a version); when the alias moves
 * ({@link EventTypes#MODEL_ALIAS_CHANGED}) the new version is downloaded, verified, loaded and warmed
 * before it takes over, batches already running finish on the old one, and {@link #rollback()}
 * returns to it.
 *
 * <pre>{@code
 * try (ServingEndpoint<float[], Float> rater = EmbeddedServingEndpoint.<float[], Float>builder("rater")
 *         .registry(mlops.registry()).events(mlops.eventBus())
 *         .model("movie-star-rater").alias("champion")
 *         .loader(TrainedModel.servingLoader())
 *         .workers(2).maxBatchSize(32).maxBatchDelay(Duration.ofMillis(2)).queueCapacity(1_000)
 *         .build()) {
 *     Prediction<Float> p = rater.predict(new float[] {7.1f, 40.2f, 3.5f, -0.05f});
 * }
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 * @since 0.1.0
 */
public final class EmbeddedServingEndpoint<I, O> implements ServingEndpoint<I, O> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServingEndpoint.class);
    private static final long POLL_MILLIS = 50;

    private final String name;
    private final ModelRegistry registry;
    private final String model;
    private final @Nullable String alias;
    private final ModelLoader<I, O> loader;
    private final int workers;
    private final int maxBatchSize;
    private final long maxBatchDelayNanos;
    private final Duration defaultDeadline;
    private final @Nullable I warmUp;
    private final String overloaded;
    private final BlockingQueue<Request<I, O>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final Object swapLock = new Object();
    private final @Nullable Subscription subscription;
    private final @Nullable EventBus events;
    private final Path downloads;
    private volatile boolean running = true;
    private final MeterRegistry meters;
    private final Timer queueWait;
    private final Counter[][] counters = new Counter[Route.values().length][Outcome.values().length];
    private final Map<Route, Timer> computeTimers = new ConcurrentHashMap<>();
    private final DistributionSummary batchSizes;
    private final @Nullable O fallback;
    /** What serves; replaced whole under {@link #swapLock}, read without it when a request arrives. */
    private volatile Routing<I, O> routing;
    private volatile @Nullable Shadow shadow;

    /** How a request ended, as the {@code outcome} tag of the request counter. */
    private enum Outcome { OK, FAILED, TIMEOUT, INVALID, OVERLOADED, DROPPED }

    /** The served version, the one before it (for rollback), and the canary with its share in percent. */
    private record Routing<I, O>(Served<I, O> current, @Nullable Served<I, O> previous, @Nullable Served<I, O> canary,
            double canaryPercent) {
    }

    /** A shadow version with its own thread and a bounded backlog; what it answers goes to the recorder only. */
    private final class Shadow {
        final Served<I, O> served;
        final BiConsumer<Prediction<O>, Prediction<O>> recorder;
        final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                r -> {
                    Thread t = new Thread(r, "mlops-endpoint-" + name + "-shadow");
                    t.setDaemon(true);
                    return t;
                });

        Shadow(Served<I, O> served, BiConsumer<Prediction<O>, Prediction<O>> recorder) {
            this.served = served;
            this.recorder = recorder;
        }

        /** Mirrors a batch the serving model answered; drops it (counted) when the shadow is behind. */
        void mirror(List<I> inputs, List<Prediction<O>> answered) {
            try {
                thread.execute(() -> {
                    long began = System.nanoTime();
                    try {
                        List<O> outputs = served.predictors.get(0).predict(inputs);
                        Duration compute = Duration.ofNanos(System.nanoTime() - began);
                        for (int i = 0; i < outputs.size() && i < answered.size(); i++) {
                            recorder.accept(answered.get(i), new Prediction<>(outputs.get(i), model, served.version.version(),
                                    Route.SHADOW, Duration.ZERO, compute));
                        }
                        count(Route.SHADOW, Outcome.OK);
                    } catch (Exception e) {
                        count(Route.SHADOW, Outcome.FAILED);
                        LOG.warn("Endpoint {}: shadow version {} failed: {}", name, served.version.version(), e.toString());
                    }
                });
            } catch (RejectedExecutionException e) {
                count(Route.SHADOW, Outcome.DROPPED);
            }
        }

        void stop() {
            thread.shutdown();
            try {
                thread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            served.retire();
        }
    }

    private record Request<I, O>(I input, long enqueued, long deadline, boolean canary,
            CompletableFuture<Prediction<O>> answer) {
    }

    /** One loaded version with a predictor per worker, closed once retired and no batch uses it. */
    private static final class Served<I, O> {
        final ModelVersion version;
        final ModelLoader.Loaded<I, O> loaded;
        final List<ModelLoader.BatchPredictor<I, O>> predictors;
        final AtomicInteger using = new AtomicInteger();
        volatile boolean retired;

        Served(ModelVersion version, ModelLoader.Loaded<I, O> loaded, List<ModelLoader.BatchPredictor<I, O>> predictors) {
            this.version = version;
            this.loaded = loaded;
            this.predictors = predictors;
        }

        void release() {
            if (using.decrementAndGet() == 0 && retired) {
                free();
            }
        }

        void retire() {
            retired = true;
            if (using.get() == 0) {
                free();
            }
        }

        private synchronized void free() {
            if (predictors.isEmpty()) {
                return;
            }
            predictors.forEach(ModelLoader.BatchPredictor::close);
            predictors.clear();
            loaded.close();
        }
    }

    private EmbeddedServingEndpoint(Builder<I, O> b) {
        this.name = Name.check("endpoint", b.name);
        this.registry = Checks.notNull("endpoint.registry", b.registry);
        this.model = Name.check("endpoint.model", b.model);
        this.loader = Checks.notNull("endpoint.loader", b.loader);
        if ((b.alias == null) == (b.version == null)) {
            throw new ValidationException("endpoint " + name, "be bound to an alias or a version (one of them)",
                    b.alias + " / " + b.version);
        }
        this.alias = b.alias == null ? null : Name.check("endpoint.alias", b.alias);
        this.workers = Checks.inRange("endpoint.workers", b.workers, 1, 256);
        this.maxBatchSize = Checks.inRange("endpoint.maxBatchSize", b.maxBatchSize, 1, 65_536);
        this.maxBatchDelayNanos = Checks.notNull("endpoint.maxBatchDelay", b.maxBatchDelay).toNanos();
        if (maxBatchDelayNanos < 0) {
            throw new ValidationException("endpoint.maxBatchDelay", "not be negative", b.maxBatchDelay);
        }
        this.defaultDeadline = Checks.positive("endpoint.defaultDeadline", b.defaultDeadline);
        int queueCapacity = Checks.inRange("endpoint.queueCapacity", b.queueCapacity, 1, 1 << 24);
        this.overloaded = "endpoint " + name + " queue is full (" + queueCapacity + " requests)";
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.warmUp = b.warmUp;
        this.fallback = b.fallback;
        this.meters = b.meters != null ? b.meters : new SimpleMeterRegistry();
        this.queueWait = Timer.builder(MetricNames.SERVING_QUEUE_WAIT).tag(MetricNames.TAG_ENDPOINT, name).register(meters);
        this.batchSizes = DistributionSummary.builder(MetricNames.SERVING_BATCH_SIZE).tag(MetricNames.TAG_ENDPOINT, name)
                .register(meters);
        Gauge.builder(MetricNames.SERVING_MODELS_LOADED, this, EmbeddedServingEndpoint::modelsLoaded)
                .tag(MetricNames.TAG_ENDPOINT, name).register(meters);
        try {
            this.downloads = Files.createTempDirectory("mlops-endpoint-" + name + "-");
        } catch (IOException e) {
            throw new MlopsException("cannot create a download directory: " + e.getMessage(), e, true);
        }
        this.events = b.events;
        ModelVersion first;
        try {
            first = alias != null ? registry.versionByAlias(model, alias).orElseThrow(() -> new NotFoundException("alias",
                    model + "@" + alias, "set it before serving")) : registry.version(model, b.version);
            this.routing = new Routing<>(load(first), null, null, 0);
            this.subscription = alias != null && b.events != null
                    ? b.events.subscribe(EventTypes.MODEL_ALIAS_CHANGED, this::onAliasChanged) : null;
        } catch (RuntimeException e) {
            if (routing != null) {
                routing.current().retire();
            }
            deleteDownloads();
            throw e;
        }
        for (int w = 0; w < workers; w++) {
            int index = w;
            Thread t = new Thread(() -> work(index), "mlops-endpoint-" + name + "-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        LOG.info("Endpoint {} serves {} version {} on {} workers", name, model, first.version(), workers);
        announce(EventTypes.SERVING_ENDPOINT_DEPLOYED, first.version(), null);
    }

    /** Tells the bus, if any, which version answers now; a bus that refuses the event does not stop serving. */
    private void announce(String type, int version, @Nullable Integer previous) {
        if (events == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint", name);
        data.put("model", model);
        data.put("version", version);
        if (previous != null) {
            data.put("previous_version", previous);
        }
        try {
            events.publish(Event.builder(type).source("/serving/" + name).subject(name).data(data).build());
        } catch (RuntimeException e) {
            LOG.warn("Endpoint {} could not publish {}: {}", name, type, e.toString());
        }
    }

    /**
     * Starts an endpoint.
     *
     * @param name a valid {@link Name}
     * @param <I> the input type
     * @param <O> the output type
     * @return the builder
     */
    public static <I, O> Builder<I, O> builder(String name) {
        return new Builder<>(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int version() {
        return routing.current().version.version();
    }

    @Override
    public CompletableFuture<Prediction<O>> submit(I input, Duration deadline) {
        return submit(input, null, deadline);
    }

    @Override
    public CompletableFuture<Prediction<O>> submit(I input, @Nullable String routingKey, Duration deadline) {
        Checks.notNull("input", input);
        Checks.positive("deadline", deadline);
        CompletableFuture<Prediction<O>> answer = new CompletableFuture<>();
        if (!running) {
            answer.completeExceptionally(new ConflictException("endpoint " + name + " is closed"));
            return answer;
        }
        Routing<I, O> now = routing;
        boolean toCanary = now.canary() != null && share(routingKey) < now.canaryPercent();
        try {
            now.current().loaded.check(input);
        } catch (RuntimeException e) {
            count(Route.CHAMPION, Outcome.INVALID);
            answer.completeExceptionally(e);
            return answer;
        }
        long enqueued = System.nanoTime();
        if (!queue.offer(new Request<>(input, enqueued, enqueued + deadline.toNanos(), toCanary, answer))) {
            count(toCanary ? Route.CANARY : Route.CHAMPION, Outcome.OVERLOADED);
            answer.completeExceptionally(new OverloadedException(overloaded));
        }
        return answer;
    }

    /** Where a request falls in [0, 100): fixed per routing key (sticky), random without one. */
    private static double share(@Nullable String routingKey) {
        if (routingKey == null) {
            return ThreadLocalRandom.current().nextDouble(100);
        }
        long h = routingKey.hashCode() * 0x9E3779B97F4A7C15L;
        return Math.floorMod(h ^ (h >>> 31), 10_000L) / 100.0;
    }

    /**
     * Sends a share of the traffic to another version (a canary, or the B of an A/B test): requests
     * with a routing key always take the same route; requests without one are split at random.
     *
     * @param version the version to load
     * @param percent the share of requests, in (0, 100)
     */
    public void canary(int version, double percent) {
        if (!(percent > 0 && percent < 100)) {
            throw new ValidationException("canary percent", "be in (0, 100)", percent);
        }
        Served<I, O> loaded = load(registry.version(model, version));
        Served<I, O> replaced;
        synchronized (swapLock) {
            Routing<I, O> was = routing;
            replaced = was.canary();
            routing = new Routing<>(was.current(), was.previous(), loaded, percent);
        }
        if (replaced != null) {
            replaced.retire();
        }
        LOG.info("Endpoint {} sends {}% to {} version {}", name, percent, model, version);
    }

    /**
     * Mirrors every batch the endpoint answers to another version on a thread of its own, and hands
     * each pair (the answer returned, the shadow's answer) to a recorder; the shadow's answers are
     * never returned, and when it falls behind, batches are dropped for it (counted as route
     * {@code shadow}, outcome {@code dropped}) rather than slowing callers.
     *
     * @param version the version to load
     * @param recorder receives (returned answer, shadow answer) on the shadow's thread
     */
    public void shadow(int version, BiConsumer<Prediction<O>, Prediction<O>> recorder) {
        Checks.notNull("recorder", recorder);
        Served<I, O> loaded = load(registry.version(model, version), 1);
        Shadow replaced = shadow;
        shadow = new Shadow(loaded, recorder);
        if (replaced != null) {
            replaced.stop();
        }
        LOG.info("Endpoint {} mirrors to {} version {}", name, model, version);
    }

    /** Stops mirroring and frees the shadow version, after what it was given. */
    public void endShadow() {
        Shadow ended = shadow;
        shadow = null;
        if (ended != null) {
            ended.stop();
        }
    }

    /** Sends all traffic back to the served version and frees the canary. */
    public void endCanary() {
        Served<I, O> ended;
        synchronized (swapLock) {
            Routing<I, O> was = routing;
            ended = was.canary();
            routing = new Routing<>(was.current(), was.previous(), null, 0);
        }
        if (ended != null) {
            ended.retire();
        }
    }

    private double modelsLoaded() {
        Routing<I, O> now = routing;
        return 1 + (now.previous() != null ? 1 : 0) + (now.canary() != null ? 1 : 0) + (shadow != null ? 1 : 0);
    }

    private void count(Route route, Outcome outcome) {
        counter(route, outcome).increment();
    }

    /** The request counter of a route and outcome; a racing first use registers the same counter twice, harmlessly. */
    private Counter counter(Route route, Outcome outcome) {
        Counter c = counters[route.ordinal()][outcome.ordinal()];
        if (c == null) {
            c = meters.counter(MetricNames.SERVING_REQUESTS, MetricNames.TAG_ENDPOINT, name, MetricNames.TAG_ROUTE,
                    route.name().toLowerCase(Locale.ROOT), MetricNames.TAG_OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
            counters[route.ordinal()][outcome.ordinal()] = c;
        }
        return c;
    }

    private Timer computeTimer(Route route) {
        return computeTimers.computeIfAbsent(route, r -> Timer.builder(MetricNames.SERVING_COMPUTE).tags(MetricNames.TAG_ENDPOINT,
                name, MetricNames.TAG_ROUTE, r.name().toLowerCase(Locale.ROOT)).register(meters));
    }

    @Override
    public Prediction<O> predict(I input) {
        CompletableFuture<Prediction<O>> answer = submit(input, defaultDeadline);
        try {
            return answer.get(defaultDeadline.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new MlopsException("endpoint " + name + " failed: " + e.getCause(), e.getCause(), false);
        } catch (TimeoutException e) {
            throw new OperationTimeoutException("prediction of endpoint " + name, defaultDeadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while waiting for endpoint " + name, e, true);
        }
    }

    @Override
    public int rollback() {
        synchronized (swapLock) {
            Routing<I, O> was = routing;
            if (was.previous() == null) {
                throw new ConflictException("endpoint " + name + " has no earlier version to roll back to");
            }
            Served<I, O> back = was.previous();
            routing = new Routing<>(back, was.current(), was.canary(), was.canaryPercent());
            LOG.info("Endpoint {} rolled back to {} version {}", name, model, back.version.version());
            return back.version.version();
        }
    }

    /**
     * Loads a version and makes it the one answering, keeping the one before for a rollback.
     *
     * @param version the version to serve
     */
    public void swapTo(int version) {
        ModelVersion target = registry.version(model, version);
        Served<I, O> loaded = load(target);
        Served<I, O> retired;
        int before;
        synchronized (swapLock) {
            Routing<I, O> was = routing;
            retired = was.previous();
            before = was.current().version.version();
            routing = new Routing<>(loaded, was.current(), was.canary(), was.canaryPercent());
        }
        if (retired != null) {
            retired.retire();
        }
        LOG.info("Endpoint {} swapped to {} version {}", name, model, version);
        announce(EventTypes.SERVING_MODEL_SWAPPED, version, before);
    }

    private void onAliasChanged(Event event) {
        if (!model.equals(event.subject().orElse(null)) || !alias.equals(event.data().get("alias"))) {
            return;
        }
        if (event.data().get("version") instanceof Number announced) {
            // The event names the version: a registry read in another process may still be cached.
            if (announced.intValue() != version()) {
                swapTo(announced.intValue());
            }
            return;
        }
        registry.versionByAlias(model, alias).ifPresentOrElse(v -> {
            if (v.version() != version()) {
                swapTo(v.version());
            }
        }, () -> LOG.warn("Alias {}@{} was deleted; endpoint {} keeps serving version {}", model, alias, name, version()));
    }

    private Served<I, O> load(ModelVersion version) {
        return load(version, workers);
    }

    private Served<I, O> load(ModelVersion version, int predictorCount) {
        Path dir = downloads.resolve("v" + version.version() + "-" + System.nanoTime());
        registry.downloadArtifacts(version, dir);
        ModelLoader.Loaded<I, O> loaded;
        try {
            loaded = loader.load(version, dir);
        } catch (MlopsException e) {
            throw e;
        } catch (Exception e) {
            throw new MlopsException("cannot load " + model + " version " + version.version() + ": " + e, e, false);
        }
        List<ModelLoader.BatchPredictor<I, O>> predictors = new ArrayList<>();
        try {
            for (int w = 0; w < predictorCount; w++) {
                ModelLoader.BatchPredictor<I, O> predictor = loaded.newPredictor();
                predictors.add(predictor);
                if (warmUp != null) {
                    predictor.predict(List.of(warmUp));
                }
            }
        } catch (Exception e) {
            predictors.forEach(ModelLoader.BatchPredictor::close);
            loaded.close();
            throw new MlopsException("cannot warm " + model + " version " + version.version() + ": " + e, e, false);
        }
        return new Served<>(version, loaded, predictors);
    }

    private void work(int worker) {
        List<Request<I, O>> batch = new ArrayList<>(maxBatchSize);
        while (running || !queue.isEmpty()) {
            try {
                Request<I, O> first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long until = first.enqueued() + maxBatchDelayNanos;
                queue.drainTo(batch, maxBatchSize - 1);
                while (batch.size() < maxBatchSize) {
                    long wait = until - System.nanoTime();
                    Request<I, O> next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(worker, batch);
            } catch (InterruptedException e) {
                batch.forEach(r -> r.answer().completeExceptionally(new ConflictException("endpoint " + name + " stopped")));
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(int worker, List<Request<I, O>> batch) {
        long start = System.nanoTime();
        batchSizes.record(batch.size());
        List<Request<I, O>> champion = new ArrayList<>(batch.size());
        List<Request<I, O>> canaried = new ArrayList<>();
        for (Request<I, O> r : batch) {
            queueWait.record(start - r.enqueued(), TimeUnit.NANOSECONDS);
            if (start > r.deadline()) {
                fail(r, new OperationTimeoutException("prediction of endpoint " + name,
                        Duration.ofNanos(r.deadline() - r.enqueued())), Outcome.TIMEOUT, start, Duration.ZERO);
            } else {
                (r.canary() ? canaried : champion).add(r);
            }
        }
        if (!champion.isEmpty()) {
            run(worker, champion, false, start);
        }
        if (!canaried.isEmpty()) {
            run(worker, canaried, true, start);
        }
    }

    private void run(int worker, List<Request<I, O>> live, boolean toCanary, long start) {
        Served<I, O> served;
        Route route;
        synchronized (swapLock) {
            Routing<I, O> now = routing;
            route = toCanary && now.canary() != null ? Route.CANARY : Route.CHAMPION;
            served = route == Route.CANARY ? now.canary() : now.current();
            served.using.incrementAndGet();
        }
        long began = System.nanoTime();
        try {
            List<I> inputs = new ArrayList<>(live.size());
            live.forEach(r -> inputs.add(r.input()));
            List<O> outputs = served.predictors.get(worker).predict(inputs);
            if (outputs.size() != inputs.size()) {
                throw new MlopsException("the predictor of " + model + " returned " + outputs.size() + " outputs for "
                        + inputs.size() + " inputs");
            }
            long took = System.nanoTime() - began;
            computeTimer(route).record(took, TimeUnit.NANOSECONDS);
            Duration compute = Duration.ofNanos(took);
            counter(route, Outcome.OK).increment(live.size());
            Shadow mirror = shadow;
            List<Prediction<O>> answered = mirror == null ? null : new ArrayList<>(live.size());
            for (int i = 0; i < live.size(); i++) {
                Request<I, O> r = live.get(i);
                Prediction<O> answer = new Prediction<>(outputs.get(i), model, served.version.version(), route,
                        Duration.ofNanos(start - r.enqueued()), compute);
                r.answer().complete(answer);
                if (answered != null) {
                    answered.add(answer);
                }
            }
            if (mirror != null) {
                mirror.mirror(inputs, answered);
            }
        } catch (Exception e) {
            RuntimeException failure = e instanceof MlopsException ? (MlopsException) e
                    : new MlopsException(model + " version " + served.version.version() + " failed: " + e, e, false);
            LOG.warn("Endpoint {}: {} version {} failed a batch of {}: {}", name, model, served.version.version(), live.size(),
                    e.toString());
            Duration compute = Duration.ofNanos(System.nanoTime() - began);
            live.forEach(r -> fail(r, failure, Outcome.FAILED, start, compute));
        } finally {
            served.release();
        }
    }

    /** Answers with the fallback when there is one, else fails the request. */
    private void fail(Request<I, O> r, RuntimeException failure, Outcome outcome, long start, Duration compute) {
        if (fallback == null) {
            count(r.canary() ? Route.CANARY : Route.CHAMPION, outcome);
            r.answer().completeExceptionally(failure);
            return;
        }
        count(Route.FALLBACK, Outcome.OK);
        r.answer().complete(new Prediction<>(fallback, model, version(), Route.FALLBACK,
                Duration.ofNanos(Math.max(0, start - r.enqueued())), compute));
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        if (subscription != null) {
            subscription.close();
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        endShadow();
        synchronized (swapLock) {
            Routing<I, O> last = routing;
            Stream.of(last.current(), last.previous(), last.canary()).filter(Objects::nonNull).forEach(Served::retire);
        }
        deleteDownloads();
    }

    private void deleteDownloads() {
        try (Stream<Path> files = Files.walk(downloads)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Could not delete {}", downloads, e);
        }
    }

    /**
     * Builds an {@link EmbeddedServingEndpoint}.
     *
     * @param <I> the input type
     * @param <O> the output type
     * @since 0.1.0
     */
    public static final class Builder<I, O> {
        private final String name;
        private @Nullable ModelRegistry registry;
        private @Nullable EventBus events;
        private @Nullable String model;
        private @Nullable String alias;
        private @Nullable Integer version;
        private @Nullable ModelLoader<I, O> loader;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxBatchSize = 32;
        private Duration maxBatchDelay = Duration.ofMillis(2);
        private int queueCapacity = 1_000;
        private Duration defaultDeadline = Duration.ofSeconds(1);
        private @Nullable I warmUp;
        private @Nullable O fallback;
        private @Nullable MeterRegistry meters;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the registry the model comes from.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder<I, O> registry(ModelRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * Sets the bus whose {@code model.alias.changed} events trigger swaps.
         *
         * @param events the bus; without one the endpoint stays on the version it started with
         * @return this builder
         */
        public Builder<I, O> events(EventBus events) {
            this.events = events;
            return this;
        }

        /**
         * Names the registered model.
         *
         * @param model the model name
         * @return this builder
         */
        public Builder<I, O> model(String model) {
            this.model = model;
            return this;
        }

        /**
         * Binds the endpoint to an alias, following it when it moves.
         *
         * @param alias e.g. {@code champion}
         * @return this builder
         */
        public Builder<I, O> alias(String alias) {
            this.alias = alias;
            return this;
        }

        /**
         * Pins the endpoint to a version.
         *
         * @param version the version
         * @return this builder
         */
        public Builder<I, O> version(int version) {
            this.version = version;
            return this;
        }

        /**
         * Sets how versions become predictors.
         *
         * @param loader the loader
         * @return this builder
         */
        public Builder<I, O> loader(ModelLoader<I, O> loader) {
            this.loader = loader;
            return this;
        }

        /**
         * Sets the worker threads, each with its own predictor.
         *
         * @param workers 1 to 256; default the number of processors
         * @return this builder
         */
        public Builder<I, O> workers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * Sets the largest batch.
         *
         * @param size default 32
         * @return this builder
         */
        public Builder<I, O> maxBatchSize(int size) {
            this.maxBatchSize = size;
            return this;
        }

        /**
         * Sets how long the first request of a batch may wait for more.
         *
         * @param delay default 2 ms; zero batches only what is already waiting
         * @return this builder
         */
        public Builder<I, O> maxBatchDelay(Duration delay) {
            this.maxBatchDelay = delay;
            return this;
        }

        /**
         * Sets how many requests may wait; more are refused at once.
         *
         * @param capacity default 1,000
         * @return this builder
         */
        public Builder<I, O> queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Sets the deadline of {@link #predict}.
         *
         * @param deadline default 1 s
         * @return this builder
         */
        public Builder<I, O> defaultDeadline(Duration deadline) {
            this.defaultDeadline = deadline;
            return this;
        }

        /**
         * Sets an input every new predictor answers once before it takes traffic.
         *
         * @param input a representative input
         * @return this builder
         */
        public Builder<I, O> warmUp(I input) {
            this.warmUp = input;
            return this;
        }

        /**
         * Answers with a default value, route {@link Route#FALLBACK}, when the model fails or a
         * request's deadline passes before its batch runs.
         *
         * @param value the default answer
         * @return this builder
         */
        public Builder<I, O> fallback(O value) {
            this.fallback = Checks.notNull("endpoint.fallback", value);
            return this;
        }

        /**
         * Sets where the endpoint's timers, counters and gauges go.
         *
         * @param registry e.g. {@code mlops.meterRegistry()}; default a private registry
         * @return this builder
         */
        public Builder<I, O> meters(MeterRegistry registry) {
            this.meters = Checks.notNull("endpoint.meters", registry);
            return this;
        }

        /**
         * Loads and warms the model and starts the workers.
         *
         * @return the running endpoint
         * @throws ValidationException if a setting is missing or out of range
         * @throws NotFoundException if the alias or version does not exist
         */
        public EmbeddedServingEndpoint<I, O> build() {
            return new EmbeddedServingEndpoint<>(this);
        }
    }
}
