package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.TypePattern;
import dev.mlops.api.platform.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What makes the system react on its own: when an event of certain types arrives (and a condition
 * on it holds), start a pipeline with parameters taken from the event, or run a plain action.
 * Immutable; every field is checked at {@link Builder#build()}. A trigger is only a definition: the
 * core's {@code Triggers} (reached through {@code mlops.triggers()}) registers it on a platform's
 * event bus, deduplicates redelivered events, and counts what became of each matching event.
 *
 * <pre>{@code
 * Trigger retrain = Trigger.builder("retrain-movie-rater")
 *         .on(EventTypes.MONITOR_DRIFT_DETECTED, EventTypes.MONITOR_PERFORMANCE_DEGRADED)
 *         .when(e -> e.subject().filter("movie-rater"::equals).isPresent())
 *         .pipeline(retrainPipeline)
 *         .param("model", e -> e.subject().orElseThrow())
 *         .cooldown(Duration.ofHours(1))
 *         .atMostOneActiveRun()
 *         .build();
 * Trigger audit = Trigger.builder("audit-aliases")
 *         .on(EventTypes.MODEL_ALIAS_CHANGED)
 *         .action((platform, e) -> auditLog.append(e))
 *         .build();
 * }</pre>
 *
 * <p>Pacing (at most one of the two):
 * <ul>
 *   <li>{@link Builder#debounce(Duration) debounce}: wait until matching events have stopped
 *       arriving for the period, then fire once, with the last event;</li>
 *   <li>{@link Builder#cooldown(Duration) cooldown}: fire at once, then ignore matching events for
 *       the period.</li>
 * </ul>
 * With {@link Builder#atMostOneActiveRun()}, a matching event that arrives while a run (or action)
 * this trigger started is still active is skipped and counted, not queued.
 *
 * @since 0.1.0
 */
public final class Trigger {
    /** The longest debounce or cooldown period allowed. */
    public static final Duration MAX_PERIOD = Duration.ofDays(365);
    /** The most event type patterns one trigger may react to. */
    public static final int MAX_PATTERNS = 100;

    private final String name;
    private final List<TypePattern> patterns;
    private final List<Predicate<? super Event>> conditions;
    private final @Nullable Pipeline pipeline;
    private final @Nullable Action action;
    private final List<Function<? super Event, ? extends Map<String, ?>>> paramMaps;
    private final Map<String, Function<? super Event, ?>> params;
    private final @Nullable Duration debounce;
    private final @Nullable Duration cooldown;
    private final boolean atMostOneActiveRun;

    private Trigger(Builder b, List<TypePattern> patterns) {
        this.name = b.name;
        this.patterns = List.copyOf(patterns);
        this.conditions = List.copyOf(b.conditions);
        this.pipeline = b.pipeline;
        this.action = b.action;
        this.paramMaps = List.copyOf(b.paramMaps);
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.debounce = b.debounce;
        this.cooldown = b.cooldown;
        this.atMostOneActiveRun = b.atMostOneActiveRun;
    }

    /**
     * Starts a trigger.
     *
     * <pre>{@code
     * Trigger t = Trigger.builder("retrain-on-drift").on(EventTypes.MONITOR_DRIFT_DETECTED).pipeline(p).build();
     * }</pre>
     *
     * @param name a valid {@link Name}, unique among the triggers of a platform; it tags metrics and
     *     prefixes the ids of the runs the trigger starts
     * @return a builder
     * @throws ValidationException if the name is invalid
     */
    public static Builder builder(String name) {
        return new Builder(Name.check("trigger.name", name));
    }

    /**
     * The trigger name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The event type patterns the trigger reacts to.
     *
     * @return the patterns, in the order given
     */
    public List<TypePattern> patterns() {
        return patterns;
    }

    /**
     * Tells whether an event fires this trigger: its type matches one of the {@link #patterns()} and
     * every condition given with {@link Builder#when(Predicate)} holds.
     *
     * @param event the event
     * @return {@code true} if the trigger reacts to it
     */
    public boolean matches(Event event) {
        Checks.notNull("event", event);
        boolean typed = false;
        for (TypePattern pattern : patterns) {
            if (pattern.matches(event.type())) {
                typed = true;
                break;
            }
        }
        if (!typed) {
            return false;
        }
        for (Predicate<? super Event> condition : conditions) {
            if (!condition.test(event)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pipeline the trigger starts.
     *
     * @return the pipeline, or empty for a trigger that runs an {@link #action()}
     */
    public Optional<Pipeline> pipeline() {
        return Optional.ofNullable(pipeline);
    }

    /**
     * The action the trigger runs.
     *
     * @return the action, or empty for a trigger that starts a {@link #pipeline()}
     */
    public Optional<Action> action() {
        return Optional.ofNullable(action);
    }

    /**
     * The names of the parameters the trigger gives one by one (with {@link Builder#param}); a
     * function given with {@link Builder#params(Function)} may give more.
     *
     * @return parameter names, in the order given
     */
    public List<String> paramNames() {
        return List.copyOf(params.keySet());
    }

    /**
     * Computes the run parameters for an event: first the maps of {@link Builder#params(Function)},
     * then each {@link Builder#param(String, Function)}, later values replacing earlier ones. The
     * values are checked against the pipeline's declared parameters when the run starts.
     *
     * @param event the event that fires the trigger
     * @return parameter values by name, modifiable, in the order computed; a {@code null} value means
     *     the parameter's default
     * @throws RuntimeException whatever a parameter function throws, e.g. for an event without subject
     */
    public Map<String, Object> paramsFor(Event event) {
        Checks.notNull("event", event);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Function<? super Event, ? extends Map<String, ?>> map : paramMaps) {
            Map<String, ?> given = map.apply(event);
            if (given != null) {
                values.putAll(given);
            }
        }
        params.forEach((param, value) -> values.put(param, value.apply(event)));
        return values;
    }

    /**
     * The quiet period of a debounced trigger.
     *
     * @return the period, if the trigger is debounced
     */
    public Optional<Duration> debounce() {
        return Optional.ofNullable(debounce);
    }

    /**
     * The period after firing in which matching events are ignored.
     *
     * @return the period, if the trigger has a cooldown
     */
    public Optional<Duration> cooldown() {
        return Optional.ofNullable(cooldown);
    }

    /**
     * Tells whether a matching event is skipped while a run (or action) this trigger started is active.
     *
     * @return {@code true} if set with {@link Builder#atMostOneActiveRun()}
     */
    public boolean atMostOneActiveRun() {
        return atMostOneActiveRun;
    }

    /**
     * Returns a builder preset with every field of this trigger, under a name, e.g. to adjust a
     * ready-made trigger.
     *
     * <pre>{@code
     * Trigger slower = retrain.toBuilder(retrain.name()).cooldown(Duration.ofHours(6)).build();
     * }</pre>
     *
     * @param newName the name of the trigger to build, a valid {@link Name}
     * @return a builder
     */
    public Builder toBuilder(String newName) {
        Builder b = builder(newName);
        b.patterns.addAll(patterns.stream().map(TypePattern::toString).toList());
        b.conditions.addAll(conditions);
        b.pipeline = pipeline;
        b.action = action;
        b.paramMaps.addAll(paramMaps);
        b.params.putAll(params);
        b.debounce = debounce;
        b.cooldown = cooldown;
        b.atMostOneActiveRun = atMostOneActiveRun;
        return b;
    }

    @Override
    public String toString() {
        return "Trigger[" + name + " on " + patterns + " -> "
                + (pipeline != null ? "pipeline " + pipeline.name() : "action")
                + (debounce != null ? ", debounce " + debounce : "")
                + (cooldown != null ? ", cooldown " + cooldown : "")
                + (atMostOneActiveRun ? ", at most one active run" : "") + "]";
    }

    /**
     * A plain piece of work a trigger runs instead of a pipeline, e.g. a registry call. It runs on
     * the thread that fires the trigger (an event bus thread, or the trigger timer for a debounced
     * trigger), so it should be short; start a pipeline for long work.
     *
     * <pre>{@code
     * Trigger.Action promote = (platform, e) -> platform.registry().promote(
     *         "movie-rater", ((Number) e.data().get("version")).intValue(), "champion", policy, "trigger");
     * }</pre>
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Action {
        /**
         * Does the work for one event.
         *
         * @param platform the platform the trigger is registered on
         * @param event the event that fired the trigger
         * @throws Exception anything; it is logged and counted as a failed firing
         */
        void run(Platform platform, Event event) throws Exception;
    }

    /**
     * Builds a {@link Trigger}. Setters check for {@code null}; {@link #build()} checks the rest and
     * names the field and the value in its message.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private final List<String> patterns = new ArrayList<>();
        private final List<Predicate<? super Event>> conditions = new ArrayList<>();
        private @Nullable Pipeline pipeline;
        private @Nullable Action action;
        private final List<Function<? super Event, ? extends Map<String, ?>>> paramMaps = new ArrayList<>();
        private final Map<String, Function<? super Event, ?>> params = new LinkedHashMap<>();
        private @Nullable Duration debounce;
        private @Nullable Duration cooldown;
        private boolean atMostOneActiveRun;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds event type patterns to react to (see {@link TypePattern}); the trigger reacts to an
         * event that matches any of them.
         *
         * @param typePatterns e.g. {@code EventTypes.MONITOR_DRIFT_DETECTED} or {@code "dev.mlops.monitor.**"}
         * @return this builder
         */
        public Builder on(String... typePatterns) {
            Checks.notNull("trigger.on", typePatterns);
            for (String pattern : typePatterns) {
                patterns.add(Checks.notNull("trigger.on", pattern));
            }
            return this;
        }

        /**
         * Adds a condition on the event; every condition must hold for the trigger to fire. A
         * condition that throws counts as a failed firing.
         *
         * @param condition e.g. {@code e -> "movie-rater".equals(e.data().get("model"))}
         * @return this builder
         */
        public Builder when(Predicate<? super Event> condition) {
            conditions.add(Checks.notNull("trigger.when", condition));
            return this;
        }

        /**
         * Sets the pipeline to start; set this or an {@link #action(Action)}.
         *
         * @param pipeline the pipeline
         * @return this builder
         */
        public Builder pipeline(Pipeline pipeline) {
            this.pipeline = Checks.notNull("trigger.pipeline", pipeline);
            return this;
        }

        /**
         * Sets a plain action to run instead of a pipeline; set this or a {@link #pipeline(Pipeline)}.
         *
         * @param action the action
         * @return this builder
         */
        public Builder action(Action action) {
            this.action = Checks.notNull("trigger.action", action);
            return this;
        }

        /**
         * Takes one run parameter from the event, replacing an earlier function for the same name.
         *
         * @param param the name of a parameter the pipeline declares
         * @param value computes the value from the event; {@code null} means the parameter's default.
         *     The type must be the parameter's exact type (checked when the run starts)
         * @return this builder
         */
        public Builder param(String param, Function<? super Event, ?> value) {
            Checks.notNull("trigger.param name", param);
            params.put(param, Checks.notNull("trigger.param." + param, value));
            return this;
        }

        /**
         * Takes several run parameters from the event at once; {@link #param(String, Function)}
         * values replace values of the same name.
         *
         * @param values computes parameter values by name from the event
         * @return this builder
         */
        public Builder params(Function<? super Event, ? extends Map<String, ?>> values) {
            paramMaps.add(Checks.notNull("trigger.params", values));
            return this;
        }

        /**
         * Fires once matching events have stopped arriving for a period (read from the platform
         * clock), with the last event's parameters; each new matching event restarts the period.
         *
         * @param quietPeriod positive, at most {@link Trigger#MAX_PERIOD}; not together with a cooldown
         * @return this builder
         */
        public Builder debounce(Duration quietPeriod) {
            this.debounce = Checks.notNull("trigger.debounce", quietPeriod);
            return this;
        }

        /**
         * Fires at once, then ignores matching events for a period (read from the platform clock).
         *
         * @param period positive, at most {@link Trigger#MAX_PERIOD}; not together with a debounce
         * @return this builder
         */
        public Builder cooldown(Duration period) {
            this.cooldown = Checks.notNull("trigger.cooldown", period);
            return this;
        }

        /**
         * Skips (and counts) a matching event while a run or action this trigger started is still
         * active, instead of starting another; the event is not queued.
         *
         * @return this builder
         */
        public Builder atMostOneActiveRun() {
            this.atMostOneActiveRun = true;
            return this;
        }

        /**
         * Checks every field and creates the trigger.
         *
         * @return the trigger
         * @throws ValidationException naming the field and its value: no or a malformed type
         *     pattern, neither or both of pipeline and action, parameters for an action or a
         *     parameter the pipeline does not declare, a period that is not positive or longer than
         *     {@link Trigger#MAX_PERIOD}, or both a debounce and a cooldown
         */
        public Trigger build() {
            if (patterns.isEmpty()) {
                throw new ValidationException("trigger.on", "name at least one event type pattern", "none");
            }
            if (patterns.size() > MAX_PATTERNS) {
                throw new ValidationException("trigger.on", "name at most " + MAX_PATTERNS + " patterns",
                        patterns.size());
            }
            List<TypePattern> parsed = new ArrayList<>();
            for (String pattern : patterns) {
                try {
                    TypePattern typePattern = TypePattern.of(pattern);
                    if (!parsed.contains(typePattern)) {
                        parsed.add(typePattern);
                    }
                } catch (ValidationException e) {
                    throw new ValidationException("trigger.on", "be event type patterns of dot-separated segments"
                            + " of [a-z0-9_-], '*' or a last '**'", pattern);
                }
            }
            if (pipeline == null && action == null) {
                throw new ValidationException("trigger.pipeline", "be set, or else trigger.action", "neither");
            }
            if (pipeline != null && action != null) {
                throw new ValidationException("trigger.action", "not be set together with trigger.pipeline '"
                        + pipeline.name() + "' (a trigger starts a pipeline or runs an action)", "an action");
            }
            if (action != null && (!params.isEmpty() || !paramMaps.isEmpty())) {
                throw new ValidationException("trigger.param", "be given only to a trigger that starts a pipeline",
                        params.isEmpty() ? "a params function" : String.join(", ", params.keySet()));
            }
            if (pipeline != null) {
                List<String> declared = pipeline.params().stream().map(Param::name).toList();
                for (String param : params.keySet()) {
                    if (!declared.contains(param)) {
                        throw new ValidationException("trigger.param." + param, "be declared by pipeline '"
                                + pipeline.name() + "' (declared: " + declared + ")", param);
                    }
                }
            }
            period("trigger.debounce", debounce);
            period("trigger.cooldown", cooldown);
            if (debounce != null && cooldown != null) {
                throw new ValidationException("trigger.cooldown", "not be set together with trigger.debounce "
                        + debounce + " (choose one)", cooldown);
            }
            return new Trigger(this, parsed);
        }

        private static void period(String field, @Nullable Duration period) {
            if (period == null) {
                return;
            }
            Checks.positive(field, period);
            if (period.compareTo(MAX_PERIOD) > 0) {
                throw new ValidationException(field, "be at most " + MAX_PERIOD, period);
            }
        }
    }
}
