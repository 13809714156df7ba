package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A step of a pipeline under construction, and the typed handle to its output: pass it to later
 * steps as an input. Its settings are chained after creation and frozen by
 * {@link Pipeline.Builder#build()}.
 *
 * <pre>{@code
 * Step<Table> clean = p.step("validate", raw, (ctx, t) -> checks.enforce(t))
 *         .retries(2)                         // 3 attempts, exponential backoff with jitter
 *         .timeout(Duration.ofMinutes(5))
 *         .pool("warehouse")                  // at most N steps of this pool run at once
 *         .cacheable("v3");                   // reuse the output while code, params and inputs are unchanged
 * }</pre>
 *
 * @param <T> the output type
 * @since 0.1.0
 */
public final class Step<T> {
    /** The longest code version for {@link #cacheable(String)}. */
    public static final int MAX_CODE_VERSION = 128;

    private final Object owner;
    private final String name;
    private final List<Step<?>> inputs;
    private final StepFunctions.Body body;
    private final boolean mapped;
    private final List<Step<?>> after = new ArrayList<>();
    private RetryPolicy retry = RetryPolicy.none();
    private @Nullable Duration timeout;
    private TriggerRule trigger = TriggerRule.ALL_SUCCEEDED;
    private @Nullable Predicate<StepContext> skipIf;
    private @Nullable String pool;
    private @Nullable String codeVersion;
    private @Nullable Codec<?> codec;
    private @Nullable Class<?> outputType;
    private int maxParallel = Integer.MAX_VALUE;
    private boolean frozen;

    Step(Object owner, String name, List<Step<?>> inputs, StepFunctions.Body body, boolean mapped) {
        this.owner = owner;
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.body = body;
        this.mapped = mapped;
    }

    /**
     * Allows {@code retries} more attempts after a failure, with the default backoff of
     * {@link RetryPolicy#attempts(int)}.
     *
     * @param retries between 0 and 99
     * @return this step
     */
    public Step<T> retries(int retries) {
        Checks.inRange("step." + name + ".retries", retries, 0, 99);
        return retry(RetryPolicy.attempts(retries + 1));
    }

    /**
     * Sets the retry policy.
     *
     * @param policy the policy; default {@link RetryPolicy#none()}
     * @return this step
     */
    public Step<T> retry(RetryPolicy policy) {
        mutable();
        this.retry = Checks.notNull("step." + name + ".retry", policy);
        return this;
    }

    /**
     * Limits each attempt; an attempt past it is interrupted and fails with an
     * {@link dev.mlops.api.OperationTimeoutException} (retryable).
     *
     * @param timeout positive; default none
     * @return this step
     */
    public Step<T> timeout(Duration timeout) {
        mutable();
        this.timeout = Checks.positive("step." + name + ".timeout", timeout);
        return this;
    }

    /**
     * Sets when the step runs, given its inputs' final states.
     *
     * @param rule the rule; default {@link TriggerRule#ALL_SUCCEEDED}
     * @return this step
     */
    public Step<T> trigger(TriggerRule rule) {
        mutable();
        this.trigger = Checks.notNull("step." + name + ".trigger", rule);
        return this;
    }

    /**
     * Skips the step when a condition holds once its inputs are ready; downstream steps see it skipped.
     *
     * @param condition evaluated with the step's context, e.g. {@code ctx -> ctx.param(dryRun)}
     * @return this step
     */
    public Step<T> skipIf(Predicate<StepContext> condition) {
        mutable();
        this.skipIf = Checks.notNull("step." + name + ".skipIf", condition);
        return this;
    }

    /**
     * Runs the step in a resource pool declared with {@link Pipeline.Builder#pool(String, int)}.
     *
     * @param pool the pool name
     * @return this step
     */
    public Step<T> pool(String pool) {
        mutable();
        this.pool = Name.check("step." + name + ".pool", pool);
        return this;
    }

    /**
     * Makes the step cacheable: when its fingerprint (pipeline, step, code version, run parameters
     * and its inputs' fingerprints) matches an earlier success, the stored output is reused.
     *
     * @param codeVersion the version of the step's code; change it when the code changes
     * @return this step
     */
    public Step<T> cacheable(String codeVersion) {
        mutable();
        this.codeVersion = Checks.text("step." + name + ".codeVersion", codeVersion, MAX_CODE_VERSION);
        return this;
    }

    /**
     * Journals and caches the output (for a mapped step: each element's output) with a codec.
     *
     * @param codec the codec
     * @return this step
     */
    public Step<T> codec(Codec<?> codec) {
        mutable();
        this.codec = Checks.notNull("step." + name + ".codec", codec);
        this.outputType = null;
        return this;
    }

    /**
     * Journals and caches the output (for a mapped step: each element's output) as JSON of this class.
     *
     * @param type the class outputs are read back as
     * @return this step
     */
    public Step<T> output(Class<?> type) {
        mutable();
        this.outputType = Checks.notNull("step." + name + ".output", type);
        this.codec = null;
        return this;
    }

    /**
     * Limits how many instances of a mapped step run at once.
     *
     * @param limit between 1 and 10,000
     * @return this step
     * @throws ValidationException if the step is not mapped
     */
    public Step<T> maxParallel(int limit) {
        mutable();
        if (!mapped) {
            throw new ValidationException("step." + name + ".maxParallel",
                    "be set on mapped steps only (made with Pipeline.Builder.map)", limit);
        }
        this.maxParallel = Checks.inRange("step." + name + ".maxParallel", limit, 1, 10_000);
        return this;
    }

    /**
     * Runs the step only after other steps are done, without taking their outputs (like Airflow's
     * {@code >>}); their states count for the trigger rule like inputs.
     *
     * @param steps steps of the same pipeline
     * @return this step
     */
    public Step<T> after(Step<?>... steps) {
        mutable();
        for (Step<?> step : steps) {
            after.add(Checks.notNull("step." + name + ".after", step));
        }
        return this;
    }

    /**
     * The step name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The steps whose outputs this step takes, in order.
     *
     * @return the inputs
     */
    public List<Step<?>> inputs() {
        return inputs;
    }

    /**
     * The steps this step waits for without taking their outputs.
     *
     * @return the ordering-only upstream steps
     */
    public List<Step<?>> afterSteps() {
        return Collections.unmodifiableList(after);
    }

    /**
     * Inputs and ordering-only upstream steps together.
     *
     * @return every step this step waits for
     */
    public List<Step<?>> upstream() {
        List<Step<?>> all = new ArrayList<>(inputs);
        for (Step<?> step : after) {
            if (!all.contains(step)) {
                all.add(step);
            }
        }
        return all;
    }

    /**
     * The body the runner calls.
     *
     * @return the body
     */
    public StepFunctions.Body body() {
        return body;
    }

    /**
     * Tells whether the step fans out over its list input, one instance per element.
     *
     * @return {@code true} for steps made with {@link Pipeline.Builder#map}
     */
    public boolean mapped() {
        return mapped;
    }

    /**
     * The retry policy.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retry;
    }

    /**
     * The limit of each attempt.
     *
     * @return the timeout, if any
     */
    public Optional<Duration> timeoutLimit() {
        return Optional.ofNullable(timeout);
    }

    /**
     * The trigger rule.
     *
     * @return the rule
     */
    public TriggerRule triggerRule() {
        return trigger;
    }

    /**
     * The skip condition.
     *
     * @return the condition, if any
     */
    public Optional<Predicate<StepContext>> skipCondition() {
        return Optional.ofNullable(skipIf);
    }

    /**
     * The resource pool.
     *
     * @return the pool name, if any
     */
    public Optional<String> poolName() {
        return Optional.ofNullable(pool);
    }

    /**
     * The code version of a cacheable step.
     *
     * @return the version, or empty if the step is not cacheable
     */
    public Optional<String> codeVersion() {
        return Optional.ofNullable(codeVersion);
    }

    /**
     * The codec set with {@link #codec(Codec)}.
     *
     * @return the codec, if any
     */
    public Optional<Codec<?>> outputCodec() {
        return Optional.ofNullable(codec);
    }

    /**
     * The class set with {@link #output(Class)}.
     *
     * @return the class, if any
     */
    public Optional<Class<?>> outputType() {
        return Optional.ofNullable(outputType);
    }

    /**
     * The most instances of a mapped step running at once.
     *
     * @return the limit; {@link Integer#MAX_VALUE} when unlimited
     */
    public int maxParallelInstances() {
        return maxParallel;
    }

    boolean ownedBy(Object builder) {
        return owner == builder;
    }

    void freeze() {
        frozen = true;
    }

    private void mutable() {
        if (frozen) {
            throw new MlopsException("step '" + name + "' belongs to a built pipeline and can no longer change");
        }
    }

    @Override
    public String toString() {
        return "Step[" + name + "]";
    }
}
