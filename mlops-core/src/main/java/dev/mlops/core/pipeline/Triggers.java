package dev.mlops.core.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.event.TypePattern;
import dev.mlops.api.model.PromotionDecision;
import dev.mlops.api.model.PromotionPolicy;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.Trigger;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Trigger}s on a platform: subscribes each to the platform's event bus (any
 * {@link dev.mlops.api.event.EventBus}: in-process, or Kafka, which may deliver an event more than
 * once), and when a matching event arrives starts the trigger's pipeline with the parameters taken
 * from the event, or runs its action. The platform creates one ({@code mlops.triggers()}) and
 * closes it with itself.
 *
 * <pre>{@code
 * Triggers triggers = mlops.triggers();
 * triggers.register(Triggers.retrainOnDrift("movie-rater", retrainPipeline));
 * triggers.register(Triggers.promoteOnNewVersion("movie-rater", "champion", policy));
 * Triggers.Registration audit = triggers.register(Trigger.builder("audit")
 *         .on("dev.mlops.model.**").action((platform, e) -> log.info("{}", e)).build());
 * audit.close();
 * }</pre>
 *
 * <p>What becomes of each event that matches a trigger (type and condition) is counted once in
 * {@link MetricNames#PIPELINE_TRIGGER_FIRED}, tagged with the trigger and an outcome:
 * <ul>
 *   <li>{@code duplicate}: an event with the same CloudEvents source and id was already seen by the
 *       trigger within the deduplication window (by default the last 10,000 events of the last
 *       hour), or — for a pipeline trigger — the run it would start exists already: run ids are
 *       derived from the trigger name and the event's source and id, so a redelivery after a restart,
 *       or in another JVM sharing the home, finds the run and starts nothing;</li>
 *   <li>{@code debounced}: a debounced trigger received a later matching event within the quiet
 *       period; only the last event of a burst fires;</li>
 *   <li>{@code cooled_down}: the event arrived within the cooldown after the trigger fired;</li>
 *   <li>{@code skipped_active}: the trigger is {@link Trigger#atMostOneActiveRun()} and a run or
 *       action it started is still active; the event is dropped, not queued;</li>
 *   <li>{@code started}: the pipeline run started (for an action: the action completed);</li>
 *   <li>{@code failed}: the condition, a parameter function, the start or the action threw; the
 *       trigger stays registered and reacts to the next event.</li>
 * </ul>
 *
 * <p>Time is read from the platform clock: the cooldown, the debounce quiet period and the
 * deduplication window. A debounced trigger fires from a timer once its quiet period has passed on
 * that clock; {@link #tick()} fires due triggers at once (tests move a clock and call it).
 *
 * @since 0.1.0
 */
public final class Triggers implements AutoCloseable {
    /** How long a trigger remembers an event's source and id to recognise a redelivery, by default. */
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(1);
    /** How many events' source and id a trigger remembers at most, by default. */
    public static final int DEFAULT_DEDUP_CAPACITY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Triggers.class);
    /** The longest trigger-name prefix of a derived run id; the rest is a hash. */
    private static final int RUN_ID_PREFIX = 40;

    /** What became of an event that matched a trigger; the {@code outcome} tag. */
    private enum Outcome {
        STARTED, SKIPPED_ACTIVE, DEBOUNCED, COOLED_DOWN, DUPLICATE, FAILED;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final Platform platform;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration dedupWindow;
    private final int dedupCapacity;
    private final ScheduledExecutorService timer;
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Creates the triggers of a platform with the default deduplication window.
     *
     * @param platform the platform whose event bus, pipelines and clock triggers use
     * @param meters where the trigger counters go
     */
    public Triggers(Platform platform, MeterRegistry meters) {
        this(platform, meters, DEFAULT_DEDUP_WINDOW, DEFAULT_DEDUP_CAPACITY);
    }

    /**
     * Creates the triggers of a platform. The platform sets the window from its properties
     * {@code trigger.dedup-window} (an ISO-8601 duration) and {@code trigger.dedup-capacity}.
     *
     * @param platform the platform whose event bus, pipelines and clock triggers use
     * @param meters where the trigger counters go
     * @param dedupWindow how long each trigger remembers an event's source and id; positive, at most
     *     {@link Trigger#MAX_PERIOD}
     * @param dedupCapacity how many events each trigger remembers at most, between 1 and 1,000,000
     */
    public Triggers(Platform platform, MeterRegistry meters, Duration dedupWindow, int dedupCapacity) {
        this.platform = Checks.notNull("platform", platform);
        this.meters = Checks.notNull("meters", meters);
        this.clock = platform.clock();
        Checks.positive("trigger.dedup-window", dedupWindow);
        if (dedupWindow.compareTo(Trigger.MAX_PERIOD) > 0) {
            throw new ValidationException("trigger.dedup-window", "be at most " + Trigger.MAX_PERIOD, dedupWindow);
        }
        this.dedupWindow = dedupWindow;
        this.dedupCapacity = Checks.inRange("trigger.dedup-capacity", dedupCapacity, 1, 1_000_000);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "mlops-trigger-timer-" + platform.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Retrains a model when it drifts or its performance degrades: a trigger named
     * {@code retrain-<model>} on {@link EventTypes#MONITOR_DRIFT_DETECTED} and
     * {@link EventTypes#MONITOR_PERFORMANCE_DEGRADED} whose subject (or data {@code model}) is the
     * model, that starts the pipeline with the parameter {@code model} set to the model name, at
     * most one run at a time.
     *
     * <pre>{@code
     * mlops.triggers().register(Triggers.retrainOnDrift("movie-rater", retrain));
     * }</pre>
     *
     * @param model the monitored model's name
     * @param retraining a pipeline that declares a {@code String} parameter {@code model}
     * @return the trigger
     * @throws ValidationException if the model name is invalid or the pipeline has no {@code String}
     *     parameter {@code model}
     */
    public static Trigger retrainOnDrift(String model, Pipeline retraining) {
        return retrainOnDrift(model, retraining, b -> { });
    }

    /**
     * Same as {@link #retrainOnDrift(String, Pipeline)}, adjusted before it is built, e.g. with a
     * cooldown for monitors that report degraded performance on every window.
     *
     * <pre>{@code
     * Trigger retrain = Triggers.retrainOnDrift("movie-rater", retrain, t -> t.cooldown(Duration.ofHours(6)));
     * }</pre>
     *
     * @param model the monitored model's name
     * @param retraining a pipeline that declares a {@code String} parameter {@code model}
     * @param options adjusts the preset builder
     * @return the trigger
     * @throws ValidationException if the model name is invalid, the pipeline has no {@code String}
     *     parameter {@code model}, or the adjusted trigger is invalid
     */
    public static Trigger retrainOnDrift(String model, Pipeline retraining, Consumer<Trigger.Builder> options) {
        Name.check("model", model);
        Checks.notNull("retraining", retraining);
        Checks.notNull("options", options);
        Optional<Param<?>> param = retraining.params().stream().filter(p -> p.name().equals("model")).findFirst();
        if (param.isEmpty() || param.get().type() != String.class) {
            throw new ValidationException("retraining", "declare a String parameter 'model' (declared: "
                    + retraining.params() + ")", retraining.name());
        }
        Trigger.Builder b = Trigger.builder("retrain-" + model)
                .on(EventTypes.MONITOR_DRIFT_DETECTED, EventTypes.MONITOR_PERFORMANCE_DEGRADED)
                .when(e -> isAbout(e, model))
                .pipeline(retraining)
                .param("model", e -> model)
                .atMostOneActiveRun();
        options.accept(b);
        return b.build();
    }

    /**
     * Promotes each new version of a model through a policy's gates: a trigger named
     * {@code promote-<model>} on {@link EventTypes#MODEL_VERSION_CREATED} for the model whose action
     * calls {@link dev.mlops.api.model.ModelRegistry#promote} with the version from the event's data,
     * as actor {@code trigger/promote-<model>}. A version that passes moves the alias (and
     * serving endpoints that follow the alias swap to it); one that fails leaves the alias and
     * publishes {@link EventTypes#MODEL_PROMOTION_REJECTED} with the reasons. Either way the
     * firing counts as {@code started}; a missing version or a registry failure as {@code failed}.
     *
     * <pre>{@code
     * PromotionPolicy policy = PromotionPolicy.builder().metricAtMost("rmse", 0.9)
     *         .beatChampion("rmse", PromotionPolicy.Goal.MINIMIZE, 0.01).build();
     * mlops.triggers().register(Triggers.promoteOnNewVersion("movie-rater", "champion", policy));
     * }</pre>
     *
     * @param model the model's name
     * @param alias the alias to move, e.g. {@code champion}
     * @param policy the gates
     * @return the trigger
     * @throws ValidationException if the model or alias name is invalid, or the policy is missing
     */
    public static Trigger promoteOnNewVersion(String model, String alias, PromotionPolicy policy) {
        Name.check("model", model);
        Name.check("alias", alias);
        Checks.notNull("policy", policy);
        String name = "promote-" + model;
        return Trigger.builder(name)
                .on(EventTypes.MODEL_VERSION_CREATED)
                .when(e -> isAbout(e, model))
                .action((platform, e) -> {
                    PromotionDecision decision = platform.registry().promote(model, version(e), alias, policy,
                            "trigger/" + name);
                    if (decision.promoted()) {
                        LOG.info("[trigger {}] promoted {} version {} to '{}'", name, model, decision.version(), alias);
                    } else {
                        LOG.info("[trigger {}] kept {} version {} from '{}': {}", name, model, decision.version(), alias,
                                decision.reasons());
                    }
                })
                .build();
    }

    /** The version number a version event carries in its data, whichever JSON number type it arrived as. */
    private static int version(Event event) {
        Object version = event.data().get("version");
        if (version instanceof Number number) {
            double value = number.doubleValue();
            if (value == Math.rint(value) && value >= 1 && value <= Integer.MAX_VALUE) {
                return (int) value;
            }
        }
        throw new ValidationException("event.data.version", "be a whole number of at least 1", version);
    }

    /** Whether an event's subject, or else its data {@code model}, names the model. */
    private static boolean isAbout(Event event, String model) {
        Optional<String> subject = event.subject();
        return subject.isPresent() ? subject.get().equals(model) : model.equals(event.data().get("model"));
    }

    /**
     * Registers a trigger: from now on it reacts to matching events on the platform's bus.
     * Registering the same trigger object again returns its registration (a no-op).
     *
     * @param trigger the trigger
     * @return the registration, which unregisters when closed
     * @throws ConflictException if another trigger with the same name is registered
     * @throws MlopsException if these triggers are closed
     */
    public Registration register(Trigger trigger) {
        Checks.notNull("trigger", trigger);
        synchronized (registrations) {
            if (closed) {
                throw new MlopsException("triggers of platform '" + platform.name() + "' are closed");
            }
            Registration existing = registrations.get(trigger.name());
            if (existing != null) {
                if (existing.trigger == trigger) {
                    return existing;
                }
                throw new ConflictException("trigger '" + trigger.name() + "' is already registered; close its "
                        + "registration first");
            }
            Registration registration = new Registration(trigger);
            registrations.put(trigger.name(), registration);
            try {
                registration.subscribe();
            } catch (RuntimeException e) {
                registration.close();
                throw e;
            }
            LOG.info("Registered {}", trigger);
            return registration;
        }
    }

    /**
     * The registration of a trigger by name.
     *
     * @param name the trigger name
     * @return the registration, if a trigger of that name is registered
     */
    public Optional<Registration> find(String name) {
        synchronized (registrations) {
            return Optional.ofNullable(registrations.get(name));
        }
    }

    /**
     * The registered triggers.
     *
     * @return the registrations, in registration order
     */
    public List<Registration> registrations() {
        synchronized (registrations) {
            return List.copyOf(registrations.values());
        }
    }

    /**
     * Fires every debounced trigger whose quiet period has passed on the platform clock, now, on the
     * calling thread; the timer does the same on its own. Tests move a clock and call it.
     *
     * <pre>{@code
     * clock.advance(Duration.ofMinutes(5));
     * int fired = mlops.triggers().tick();
     * }</pre>
     *
     * @return how many triggers fired
     */
    public int tick() {
        int fired = 0;
        for (Registration registration : registrations()) {
            fired += registration.fireIfDue() ? 1 : 0;
        }
        return fired;
    }

    /**
     * Unregisters every trigger and stops the timer; runs already started go on, events held by
     * debounced triggers are dropped. Calling it again has no effect.
     */
    @Override
    public void close() {
        List<Registration> all;
        synchronized (registrations) {
            closed = true;
            all = new ArrayList<>(registrations.values());
        }
        all.forEach(Registration::close);
        timer.shutdownNow();
    }

    /** The run id for an event: readable trigger prefix, then a hash of trigger, source and id. */
    static String runId(String trigger, Event event) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((trigger + "\n" + event.source() + "\n" + event.id())
                    .getBytes(StandardCharsets.UTF_8));
            String prefix = trigger.length() > RUN_ID_PREFIX ? trigger.substring(0, RUN_ID_PREFIX) : trigger;
            return prefix + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * One registered trigger: its subscriptions, the events it remembers, the event a debounce holds,
     * the end of its cooldown and the run it started last. Closing it unregisters the trigger.
     *
     * <pre>{@code
     * Triggers.Registration r = mlops.triggers().register(trigger);
     * r.lastRun().ifPresent(run -> run.await(Duration.ofMinutes(10)));
     * r.close();
     * }</pre>
     *
     * @since 0.1.0
     */
    public final class Registration implements AutoCloseable {
        private final Trigger trigger;
        private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
        private final List<Subscription> subscriptions = new ArrayList<>();
        /** Source and id of the events seen, with when they were seen, oldest first. */
        private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();
        private @Nullable Event pending;
        private @Nullable Instant dueAt;
        private @Nullable ScheduledFuture<?> wakeUp;
        private @Nullable Instant cooledDownUntil;
        private @Nullable RunHandle lastRun;
        private int actionsRunning;
        private volatile boolean active = true;

        private Registration(Trigger trigger) {
            this.trigger = trigger;
            for (Outcome outcome : Outcome.values()) {
                counters.put(outcome, Counter.builder(MetricNames.PIPELINE_TRIGGER_FIRED)
                        .tag(MetricNames.TAG_TRIGGER, trigger.name())
                        .tag(MetricNames.TAG_OUTCOME, outcome.tag)
                        .register(meters));
            }
        }

        private void subscribe() {
            for (TypePattern pattern : trigger.patterns()) {
                subscriptions.add(platform.eventBus().subscribe(pattern.toString(), this::onEvent));
            }
        }

        /**
         * The registered trigger.
         *
         * @return the trigger
         */
        public Trigger trigger() {
            return trigger;
        }

        /**
         * Tells whether the trigger still reacts to events.
         *
         * @return {@code false} once closed
         */
        public boolean active() {
            return active;
        }

        /**
         * The run this trigger started last.
         *
         * @return the run, or empty if it has started none (or runs an action)
         */
        public synchronized Optional<RunHandle> lastRun() {
            return Optional.ofNullable(lastRun);
        }

        /**
         * The event a debounced trigger holds until its quiet period has passed.
         *
         * @return the event, or empty if none is waiting
         */
        public synchronized Optional<Event> pendingEvent() {
            return Optional.ofNullable(pending);
        }

        /**
         * Unsubscribes the trigger; an event held by a debounce is dropped, runs already started go
         * on. Calling it again has no effect.
         */
        @Override
        public void close() {
            synchronized (this) {
                if (!active) {
                    return;
                }
                active = false;
                if (wakeUp != null) {
                    wakeUp.cancel(false);
                }
                if (pending != null) {
                    LOG.info("[trigger {}] closed; dropping the held event {} {}#{}", trigger.name(), pending.type(),
                            pending.source(), pending.id());
                    pending = null;
                }
            }
            subscriptions.forEach(Subscription::unsubscribe);
            synchronized (registrations) {
                registrations.remove(trigger.name(), this);
            }
        }

        @Override
        public String toString() {
            return "Registration[" + trigger + (active ? "" : ", closed") + "]";
        }

        private void onEvent(Event event) {
            if (!active) {
                return;
            }
            try {
                if (!trigger.matches(event)) {
                    return;
                }
            } catch (RuntimeException e) {
                failed(event, "its condition threw", e);
                return;
            }
            synchronized (this) {
                if (!active) {
                    return;
                }
                if (!remember(event)) {
                    count(Outcome.DUPLICATE, event, "already seen");
                    return;
                }
                if (trigger.debounce().isPresent()) {
                    if (pending != null) {
                        count(Outcome.DEBOUNCED, pending, "replaced by " + event.id());
                    }
                    pending = event;
                    dueAt = clock.instant().plus(trigger.debounce().get());
                    wakeUpAtDue();
                    return;
                }
            }
            fire(event);
        }

        /** Fires the held event if its quiet period has passed; otherwise waits on. */
        private boolean fireIfDue() {
            Event event;
            synchronized (this) {
                if (!active || pending == null) {
                    return false;
                }
                if (clock.instant().isBefore(dueAt)) {
                    wakeUpAtDue();
                    return false;
                }
                event = pending;
                pending = null;
                dueAt = null;
                if (wakeUp != null) {
                    wakeUp.cancel(false);
                    wakeUp = null;
                }
            }
            fire(event);
            return true;
        }

        private void wakeUpAtDue() {
            if (wakeUp != null) {
                wakeUp.cancel(false);
            }
            long delay = Math.max(0, Duration.between(clock.instant(), dueAt).toMillis());
            try {
                wakeUp = timer.schedule(this::fireIfDueQuietly, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakeUp = null;   // closing; tick() can still fire it
            }
        }

        private void fireIfDueQuietly() {
            try {
                fireIfDue();
            } catch (RuntimeException e) {
                LOG.warn("[trigger {}] debounce timer failed: {}", trigger.name(), e.toString(), e);
            }
        }

        private void fire(Event event) {
            Trigger.Action action;
            Instant previousCooldown;
            synchronized (this) {
                if (!active) {
                    return;
                }
                Instant now = clock.instant();
                if (cooledDownUntil != null && now.isBefore(cooledDownUntil)) {
                    count(Outcome.COOLED_DOWN, event, "cooldown until " + cooledDownUntil);
                    return;
                }
                if (trigger.atMostOneActiveRun() && busy()) {
                    count(Outcome.SKIPPED_ACTIVE, event, lastRun != null && !lastRun.snapshot().state().done()
                            ? "run " + lastRun.runId() + " is active" : "its action is running");
                    return;
                }
                previousCooldown = cooledDownUntil;
                if (trigger.cooldown().isPresent()) {
                    cooledDownUntil = now.plus(trigger.cooldown().get());
                }
                if (trigger.pipeline().isPresent()) {
                    start(trigger.pipeline().get(), event, previousCooldown);
                    return;
                }
                action = trigger.action().orElseThrow();
                actionsRunning++;
            }
            try {
                action.run(platform, event);
                count(Outcome.STARTED, event, "action done");
            } catch (Exception e) {
                synchronized (this) {
                    cooledDownUntil = previousCooldown;
                }
                failed(event, "its action threw", e);
            } finally {
                synchronized (this) {
                    actionsRunning--;
                }
            }
        }

        /** Starts the pipeline; called holding this registration's lock. */
        private void start(Pipeline pipeline, Event event, @Nullable Instant previousCooldown) {
            String runId = runId(trigger.name(), event);
            Map<String, Object> params;
            try {
                params = trigger.paramsFor(event);
            } catch (RuntimeException e) {
                cooledDownUntil = previousCooldown;
                failed(event, "a parameter function threw", e);
                return;
            }
            try {
                RunHandle run = platform.pipelines().start(pipeline, r -> {
                    params.forEach(r::param);
                    r.runId(runId);
                });
                lastRun = run;
                LOG.info("[trigger {}] started run {}/{} on {} {}#{} with {}", trigger.name(), pipeline.name(),
                        run.runId(), event.type(), event.source(), event.id(), params);
                counters.get(Outcome.STARTED).increment();
            } catch (RuntimeException e) {
                cooledDownUntil = previousCooldown;
                if (runExists(pipeline, runId)) {
                    count(Outcome.DUPLICATE, event, "run " + runId + " exists already");
                } else {
                    failed(event, "the run could not start", e);
                }
            }
        }

        private boolean runExists(Pipeline pipeline, String runId) {
            try {
                return platform.pipelines().find(pipeline.name(), runId).isPresent();
            } catch (RuntimeException e) {
                return false;
            }
        }

        private boolean busy() {
            return actionsRunning > 0 || (lastRun != null && !lastRun.snapshot().state().done());
        }

        /** Remembers an event's source and id; false if they were seen within the window. */
        private boolean remember(Event event) {
            Instant now = clock.instant();
            Instant horizon = now.minus(dedupWindow);
            Iterator<Instant> oldest = seen.values().iterator();
            while (oldest.hasNext()) {
                if (oldest.next().isAfter(horizon)) {
                    break;
                }
                oldest.remove();
            }
            String key = event.source() + " " + event.id();
            if (seen.containsKey(key)) {
                return false;
            }
            seen.put(key, now);
            if (seen.size() > dedupCapacity) {
                Iterator<String> eldest = seen.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            return true;
        }

        private void count(Outcome outcome, Event event, String why) {
            counters.get(outcome).increment();
            if (LOG.isDebugEnabled()) {
                LOG.debug("[trigger {}] {} {} {}#{}: {}", trigger.name(), outcome.tag, event.type(), event.source(),
                        event.id(), why);
            }
        }

        private void failed(Event event, String what, Exception e) {
            counters.get(Outcome.FAILED).increment();
            String message = Objects.toString(e.getMessage(), e.toString());
            if (e instanceof MlopsException) {
                // The SDK's own exceptions say what was wrong; a stack trace adds nothing.
                LOG.warn("[trigger {}] failed on {} {}#{}: {}: {}", trigger.name(), event.type(), event.source(),
                        event.id(), what, message);
            } else {
                LOG.warn("[trigger {}] failed on {} {}#{}: {}: {}", trigger.name(), event.type(), event.source(),
                        event.id(), what, message, e);
            }
        }
    }
}
