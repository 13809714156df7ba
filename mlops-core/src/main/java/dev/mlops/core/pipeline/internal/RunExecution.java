package dev.mlops.core.pipeline.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventTypes;
import dev.mlops.api.pipeline.Attempt;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.Param;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunHandle;
import dev.mlops.api.pipeline.RunListener;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Step;
import dev.mlops.api.pipeline.StepContext;
import dev.mlops.api.pipeline.StepLog;
import dev.mlops.api.pipeline.StepRun;
import dev.mlops.api.pipeline.StepState;
import dev.mlops.api.platform.Platform;
import dev.mlops.core.platform.MetricNames;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: the state of every step, the rules that move them, and the journal that makes the moves
 * durable. State changes happen under this object's lock; step bodies, encoding and journal writes
 * of attempts happen outside it, on the runner's threads.
 */
public final class RunExecution implements RunHandle {
    private static final Logger LOG = LoggerFactory.getLogger("dev.mlops.pipeline");

    private final RunEnvironment env;
    private final Pipeline pipeline;
    private final String runId;
    private final Map<String, Object> params;
    private final DataInterval interval;
    private final Instant startedAt;
    private final @Nullable Journal journal;
    private final @Nullable RunListener listener;
    private final boolean encodeOutputs;
    private final String paramsFingerprint;
    private final Map<String, Journal.Entry> restored;
    private final URI source;
    private final Map<Step<?>, Node> nodes = new LinkedHashMap<>();
    private final Map<Step<?>, List<Node>> downstream = new HashMap<>();
    private final Queue<Node> ready = new ArrayDeque<>();
    private final Set<AttemptRun> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final CompletableFuture<PipelineRun> done = new CompletableFuture<>();
    private final AtomicInteger eventSequence = new AtomicInteger();
    /** Tells this execution's event ids from those of an earlier execution of the same run (before a resume). */
    private final String executionId = Integer.toHexString(ThreadLocalRandom.current().nextInt());
    private final Map<Node, Future<?>> backingOff = new IdentityHashMap<>();
    private volatile boolean cancelled;
    private volatile @Nullable RuntimeException journalFailure;
    private RunState state = RunState.RUNNING;
    private @Nullable Instant endedAt;
    private int remaining;
    private boolean draining;

    public RunExecution(RunEnvironment env, Pipeline pipeline, String runId, Map<String, Object> params,
            DataInterval interval, Instant startedAt, @Nullable Journal journal, @Nullable RunListener listener,
            Map<String, Journal.Entry> restored) {
        this.env = env;
        this.pipeline = pipeline;
        this.runId = runId;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.interval = interval;
        this.startedAt = startedAt;
        this.journal = journal;
        this.listener = listener;
        this.restored = restored;
        this.source = URI.create("/pipelines/" + pipeline.name());
        this.encodeOutputs = journal != null
                || pipeline.steps().stream().anyMatch(s -> s.codeVersion().isPresent());
        Map<String, Object> canonical = new TreeMap<>();
        params.forEach((k, v) -> canonical.put(k, ParamValues.toJson(v)));
        this.paramsFingerprint = StepOutputs.fingerprint(env.json().write(canonical));
        for (Step<?> step : pipeline.steps()) {
            Node node = new Node(step, null, -1, step.name());
            node.pendingUpstream = step.upstream().size();
            nodes.put(step, node);
            for (Step<?> up : step.upstream()) {
                downstream.computeIfAbsent(up, k -> new ArrayList<>()).add(node);
            }
        }
        remaining = nodes.size();
        restorePlainSteps();
    }

    public String pipelineName() {
        return pipeline.name();
    }

    @Override
    public String runId() {
        return runId;
    }

    /** Publishes the start and schedules every step whose inputs are ready. */
    public void start(boolean resumed) {
        publish(EventTypes.PIPELINE_RUN_STARTED, null, Map.of("resumed", resumed));
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.state.done()) {
                    markDone(node);
                }
            }
            for (Node node : nodes.values()) {
                if (!node.state.done() && node.pendingUpstream == 0 && !ready.contains(node)) {
                    ready.add(node);
                }
            }
            drain();
        }
    }

    @Override
    public synchronized PipelineRun snapshot() {
        List<StepRun> steps = new ArrayList<>();
        Map<String, Object> outputs = new LinkedHashMap<>();
        for (Node node : nodes.values()) {
            steps.add(node.toStepRun());
            if (node.instances != null) {
                node.instances.forEach(instance -> steps.add(instance.toStepRun()));
            }
            if (node.state == StepState.SUCCEEDED) {
                outputs.put(node.name, node.output);
            }
        }
        return new PipelineRun(runId, pipeline.name(), state, params, interval, startedAt, endedAt, steps, outputs);
    }

    @Override
    public PipelineRun await() {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while waiting for run " + runId, e, true);
        } catch (ExecutionException e) {
            throw new MlopsException("run " + runId + " ended abnormally: " + e.getCause(), e.getCause(), false);
        }
    }

    @Override
    public PipelineRun await(Duration timeout) {
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OperationTimeoutException("run " + pipeline.name() + "/" + runId, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while waiting for run " + runId, e, true);
        } catch (ExecutionException e) {
            throw new MlopsException("run " + runId + " ended abnormally: " + e.getCause(), e.getCause(), false);
        }
    }

    @Override
    public void cancel() {
        List<AttemptRun> stopping;
        List<Node> waiting = new ArrayList<>();
        synchronized (this) {
            if (state.done() || cancelled) {
                return;
            }
            cancelled = true;
            stopping = new ArrayList<>(live);
            backingOff.forEach((unit, retry) -> {
                if (retry.cancel(false)) {
                    waiting.add(unit);
                }
            });
            backingOff.clear();
        }
        for (AttemptRun attempt : stopping) {
            if (attempt.claim()) {
                attempt.interruptIfRunning();
                failed(attempt, new CancellationException("run " + runId + " was cancelled"));
            }
        }
        for (Node unit : waiting) {
            finishUnit(unit, StepState.CANCELLED, null, null, null, false);
        }
        synchronized (this) {
            drain();
        }
    }

    // ---- deciding what runs -------------------------------------------------------------------

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Node node;
            while ((node = ready.poll()) != null) {
                evaluate(node);
            }
        } finally {
            draining = false;
        }
    }

    private void evaluate(Node node) {
        if (node.state.done()) {
            return;
        }
        if (cancelled) {
            settle(node, StepState.CANCELLED, null);
            return;
        }
        StepState decision = decide(node.step);
        if (decision != StepState.RUNNING) {
            if (decision == StepState.SKIPPED) {
                journalState(node, StepState.SKIPPED, null);
            }
            settle(node, decision, null);
            return;
        }
        if (node.step.skipCondition().isPresent()) {
            try {
                if (node.step.skipCondition().get().test(new Context(node, 0))) {
                    journalState(node, StepState.SKIPPED, null);
                    settle(node, StepState.SKIPPED, null);
                    return;
                }
            } catch (RuntimeException e) {
                settle(node, StepState.FAILED, e);
                return;
            }
        }
        if (node.step.mapped()) {
            expand(node);
        } else {
            dispatch(node);
        }
    }

    private StepState decide(Step<?> step) {
        boolean anyFailed = false;
        boolean anyNotSucceeded = false;
        for (Step<?> up : step.upstream()) {
            StepState s = nodes.get(up).state;
            anyFailed |= s == StepState.FAILED || s == StepState.UPSTREAM_FAILED;
            anyNotSucceeded |= s != StepState.SUCCEEDED;
        }
        switch (step.triggerRule()) {
            case ALL_DONE:
                return StepState.RUNNING;
            case ANY_FAILED:
                return anyFailed ? StepState.RUNNING : StepState.SKIPPED;
            case NONE_FAILED:
                return anyFailed ? StepState.UPSTREAM_FAILED : StepState.RUNNING;
            default:
                return anyFailed ? StepState.UPSTREAM_FAILED : anyNotSucceeded ? StepState.SKIPPED : StepState.RUNNING;
        }
    }

    private void expand(Node node) {
        Object items = nodes.get(node.step.inputs().get(0)).output;
        if (!(items instanceof List)) {
            settle(node, StepState.FAILED, new ValidationException("step." + node.name + " input",
                    "be a list to map over", items == null ? null : items.getClass().getName()));
            return;
        }
        List<?> elements = (List<?>) items;
        node.instances = new ArrayList<>(elements.size());
        node.parallel = new Gate(Math.min(node.step.maxParallelInstances(), Math.max(1, elements.size())));
        node.state = StepState.RUNNING;
        notifyState(node);
        String itemsFingerprint = nodes.get(node.step.inputs().get(0)).outputFp;
        for (int i = 0; i < elements.size(); i++) {
            Node instance = new Node(node.step, node, i, node.name + "[" + i + "]");
            instance.element = elements.get(i);
            if (itemsFingerprint != null) {
                instance.inputFps = Map.of(node.step.inputs().get(0).name() + "[" + i + "]",
                        StepOutputs.fingerprint(List.of(itemsFingerprint, Integer.toString(i))));
            }
            node.instances.add(instance);
            restore(instance);
        }
        for (Node instance : node.instances) {
            if (instance.state.done()) {
                node.instancesDone++;
            } else {
                dispatch(instance);
            }
        }
        if (node.instancesDone == node.instances.size()) {
            completeAggregate(node);
        }
    }

    private void dispatch(Node unit) {
        Runnable go = () -> execute(unit, () -> attempt(unit, 1));
        Gate pool = unit.step.poolName().map(env.pools()::get).orElse(null);
        Runnable inPool = pool == null ? go : () -> pool.enter(go);
        if (unit.parent != null) {
            unit.parent.parallel.enter(inPool);
        } else {
            inPool.run();
        }
    }

    /** Hands work to the runner's threads; a runner that is shutting down cancels the unit instead. */
    private void execute(Node unit, Runnable work) {
        try {
            env.executor().execute(work);
        } catch (RejectedExecutionException e) {
            cancelled = true;
            finishUnit(unit, StepState.CANCELLED, null, null, null, false);
        }
    }

    // ---- running attempts (on runner threads, outside the lock) --------------------------------

    private void attempt(Node unit, int number) {
        if (cancelled) {
            finishUnit(unit, StepState.CANCELLED, null, null, null, false);
            return;
        }
        Object[] inputs;
        synchronized (this) {
            if (number == 1) {
                unit.inputFps = unit.parent != null ? unit.inputFps : inputFingerprints(unit.step);
            }
            inputs = inputValues(unit);
        }
        if (number == 1 && unit.step.codeVersion().isPresent() && tryCache(unit)) {
            return;
        }
        AttemptRun run = new AttemptRun(unit, number, env.platform().clock().instant());
        synchronized (this) {
            if (cancelled) {
                run.claim();
                finishUnit(unit, StepState.CANCELLED, null, null, null, false);
                return;
            }
            unit.state = StepState.RUNNING;
            live.add(run);
            notifyState(unit);
        }
        Future<?> timeout = unit.step.timeoutLimit().map(limit -> env.scheduler().schedule(() -> {
            if (run.claim()) {
                run.interruptIfRunning();
                failed(run, new OperationTimeoutException("step '" + unit.name + "' attempt " + number, limit));
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS)).orElse(null);
        Object result = null;
        Throwable failure = null;
        run.enter();
        try {
            result = unit.step.body().apply(new Context(unit, number), inputs);
        } catch (Throwable e) {
            failure = e;
        } finally {
            run.leave();
            Thread.interrupted();
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
        if (run.claim()) {
            if (failure == null) {
                succeeded(run, result);
            } else {
                failed(run, failure);
            }
        }
    }

    private void succeeded(AttemptRun run, @Nullable Object result) {
        Node unit = run.unit;
        StepOutputs.Encoded encoded = null;
        if (encodeOutputs) {
            try {
                encoded = env.outputs().encode(unit.step, result);
            } catch (ValidationException e) {
                finalFailure(run, e);
                return;
            }
        }
        Attempt attempt = new Attempt(run.number, run.startedAt, env.platform().clock().instant(), Optional.empty());
        record(unit, attempt, "succeeded");
        if (encoded != null && unit.step.codeVersion().isPresent()) {
            StepCache.store(env, pipeline.name(), unit.step, cacheKey(unit), encoded);
        }
        finishUnit(unit, StepState.SUCCEEDED, result, encoded, attempt, false);
    }

    private void failed(AttemptRun run, Throwable failure) {
        Node unit = run.unit;
        if (cancelled) {
            Attempt attempt = new Attempt(run.number, run.startedAt, env.platform().clock().instant(),
                    Optional.of(describe(failure)));
            finishUnit(unit, StepState.CANCELLED, null, null, attempt, false);
            return;
        }
        if (unit.step.retryPolicy().shouldRetry(failure, run.number)) {
            Attempt attempt = new Attempt(run.number, run.startedAt, env.platform().clock().instant(),
                    Optional.of(describe(failure)));
            record(unit, attempt, "failed");
            synchronized (this) {
                unit.attempts.add(attempt);
                live.remove(run);
            }
            env.stepCounter(MetricNames.PIPELINE_STEP_RETRIES, pipeline.name(), unit.step).increment();
            Duration backoff = unit.step.retryPolicy().backoff(run.number, ThreadLocalRandom.current());
            LOG.info("[{}/{}] step '{}' attempt {} failed ({}); retrying in {}", pipeline.name(), runId, unit.name,
                    run.number, describe(failure), backoff);
            synchronized (this) {
                if (!cancelled) {
                    try {
                        backingOff.put(unit, env.scheduler().schedule(() -> {
                            synchronized (this) {
                                backingOff.remove(unit);
                            }
                            execute(unit, () -> attempt(unit, run.number + 1));
                        }, backoff.toMillis(), TimeUnit.MILLISECONDS));
                        return;
                    } catch (RejectedExecutionException e) {
                        cancelled = true;
                    }
                }
            }
            finishUnit(unit, StepState.CANCELLED, null, null, null, false);
            return;
        }
        finalFailure(run, failure);
    }

    private void finalFailure(AttemptRun run, Throwable failure) {
        Node unit = run.unit;
        Attempt attempt = new Attempt(run.number, run.startedAt, env.platform().clock().instant(),
                Optional.of(describe(failure)));
        record(unit, attempt, "failed");
        unit.cause = failure;
        LOG.warn("[{}/{}] step '{}' failed after {} attempt(s): {}", pipeline.name(), runId, unit.name, run.number,
                describe(failure));
        finishUnit(unit, StepState.FAILED, null, null, attempt, false);
    }

    private boolean tryCache(Node unit) {
        String key = cacheKey(unit);
        Optional<StepCache.Hit> hit = StepCache.lookup(env, pipeline.name(), unit.step, key);
        if (hit.isEmpty()) {
            return false;
        }
        env.stepCounter(MetricNames.PIPELINE_STEP_CACHE_HITS, pipeline.name(), unit.step).increment();
        finishUnit(unit, StepState.SUCCEEDED, hit.get().value(), hit.get().encoded(), null, true);
        return true;
    }

    private String cacheKey(Node unit) {
        List<String> parts = new ArrayList<>(List.of("cache-v1", pipeline.name(), unit.step.name(),
                unit.step.codeVersion().orElse(""), paramsFingerprint));
        unit.inputFps.forEach((name, fp) -> parts.add(name + "=" + fp));
        return StepOutputs.fingerprint(parts);
    }

    /** Journals the outcome (outside the lock), then records it and moves the run on. */
    private void finishUnit(Node unit, StepState outcome, @Nullable Object value,
            StepOutputs.@Nullable Encoded encoded, @Nullable Attempt attempt, boolean cacheHit) {
        String fingerprint = encoded == null ? null : StepOutputs.fingerprint(encoded.bytes());
        if (journal != null && (outcome == StepState.SUCCEEDED || outcome == StepState.FAILED || attempt != null)) {
            List<Attempt> attempts;
            synchronized (this) {
                attempts = new ArrayList<>(unit.attempts);
            }
            if (attempt != null) {
                attempts.add(attempt);
            }
            journalStep(unit, outcome, attempts, cacheHit, fingerprint, encoded, unit.cause);
            if (outcome == StepState.SUCCEEDED && journalFailure != null) {
                // Not journaled, so not done: the step fails with the journal's error.
                outcome = StepState.FAILED;
                value = null;
                unit.cause = journalFailure;
            }
        }
        synchronized (this) {
            live.removeIf(r -> r.unit == unit);
            if (attempt != null) {
                unit.attempts.add(attempt);
            }
            unit.output = value;
            unit.outputFp = fingerprint;
            unit.cacheHit = cacheHit;
            settle(unit, outcome, unit.cause);
            drain();
        }
        // Every unit that reaches here holds its pool and parallelism slots since its first attempt.
        unit.step.poolName().map(env.pools()::get).ifPresent(Gate::leave);
        if (unit.parent != null) {
            unit.parent.parallel.leave();
        }
    }

    // ---- settling states (under the lock) --------------------------------------------------------

    private void settle(Node node, StepState outcome, @Nullable Throwable cause) {
        node.state = outcome;
        if (cause != null) {
            node.cause = cause;
            node.error = describe(cause);
        }
        notifyState(node);
        markDone(node);
    }

    private void markDone(Node node) {
        if (node.parent != null) {
            Node parent = node.parent;
            parent.instancesDone++;
            if (parent.instancesDone == parent.instances.size()) {
                completeAggregate(parent);
            }
            return;
        }
        if (node.step.mapped() || !node.restoredOnly) {
            publishStep(node);
        }
        for (Node down : downstream.getOrDefault(node.step, List.of())) {
            if (--down.pendingUpstream == 0 && !down.state.done()) {
                ready.add(down);
            }
        }
        if (--remaining == 0) {
            finish();
        }
    }

    private void completeAggregate(Node node) {
        List<Object> outputs = new ArrayList<>();
        int failedCount = 0;
        Node firstFailure = null;
        boolean anyCancelled = false;
        List<String> fingerprints = new ArrayList<>();
        for (Node instance : node.instances) {
            outputs.add(instance.output);
            fingerprints.add(String.valueOf(instance.outputFp));
            if (instance.state == StepState.FAILED) {
                failedCount++;
                firstFailure = firstFailure == null ? instance : firstFailure;
            }
            anyCancelled |= instance.state == StepState.CANCELLED;
        }
        node.inputFps = inputFingerprints(node.step);
        if (failedCount > 0) {
            node.error = failedCount + " of " + node.instances.size() + " instances failed; first: "
                    + firstFailure.name + ": " + firstFailure.error;
            node.cause = firstFailure.cause;
            node.state = StepState.FAILED;
        } else if (anyCancelled || cancelled) {
            node.state = StepState.CANCELLED;
        } else {
            node.state = StepState.SUCCEEDED;
            node.output = Collections.unmodifiableList(outputs);
            node.outputFp = encodeOutputs ? StepOutputs.fingerprint(fingerprints) : null;
        }
        if (node.state != StepState.CANCELLED) {
            journalStep(node, node.state, List.of(), false, node.outputFp, null, node.cause);
        }
        notifyState(node);
        markDone(node);
    }

    private void finish() {
        boolean failed = nodes.values().stream()
                .anyMatch(n -> n.state == StepState.FAILED || n.state == StepState.UPSTREAM_FAILED);
        boolean wasCancelled = nodes.values().stream().anyMatch(n -> n.state == StepState.CANCELLED);
        state = failed ? RunState.FAILED : wasCancelled || cancelled ? RunState.CANCELLED : RunState.SUCCEEDED;
        endedAt = env.platform().clock().instant();
        if (journal != null && journalFailure == null) {
            Map<String, Object> summary = new LinkedHashMap<>();
            nodes.values().forEach(n -> summary.put(n.name, n.state.name()));
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("t", "end");
            header.put("state", state.name());
            header.put("at", endedAt.toString());
            header.put("steps", summary);
            try {
                journal.append(header, new byte[0]);
            } catch (RuntimeException e) {
                LOG.error("[{}/{}] cannot journal the end of the run", pipeline.name(), runId, e);
            }
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (RuntimeException e) {
                LOG.warn("[{}/{}] cannot close the run journal", pipeline.name(), runId, e);
            }
        }
        env.runTimer(pipeline.name(), state.name().toLowerCase(Locale.ROOT)).record(Duration.between(startedAt, endedAt));
        String type = state == RunState.SUCCEEDED ? EventTypes.PIPELINE_RUN_FINISHED
                : state == RunState.FAILED ? EventTypes.PIPELINE_RUN_FAILED : EventTypes.PIPELINE_RUN_CANCELLED;
        publish(type, null, Map.of("state", state.name()));
        LOG.info("[{}/{}] run {}", pipeline.name(), runId, state.name().toLowerCase(Locale.ROOT));
        PipelineRun result = snapshot();
        env.onDone().accept(this);
        if (listener != null) {
            try {
                listener.onRunDone(result);
            } catch (RuntimeException e) {
                LOG.warn("run listener failed", e);
            }
        }
        done.complete(result);
    }

    // ---- journal, events, metrics ---------------------------------------------------------------

    private void journalState(Node node, StepState outcome, @Nullable Throwable cause) {
        journalStep(node, outcome, List.of(), false, null, null, cause);
    }

    private void journalStep(Node node, StepState outcome, List<Attempt> attempts, boolean cacheHit,
            @Nullable String fingerprint, StepOutputs.@Nullable Encoded encoded, @Nullable Throwable cause) {
        if (journal == null || journalFailure != null) {
            return;
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("t", "step");
        header.put("name", node.name);
        header.put("state", outcome.name());
        List<Map<String, Object>> tries = new ArrayList<>();
        for (Attempt a : attempts) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("n", a.number());
            t.put("start", a.startedAt().toString());
            t.put("end", a.endedAt().toString());
            a.error().ifPresent(e -> t.put("error", e));
            tries.add(t);
        }
        header.put("attempts", tries);
        header.put("cacheHit", cacheHit);
        header.put("inputs", node.inputFps);
        if (fingerprint != null) {
            header.put("output", fingerprint);
        }
        if (encoded != null) {
            header.put("codec", encoded.codec());
            if (encoded.type() != null) {
                header.put("type", encoded.type());
            }
        }
        if (cause != null) {
            header.put("error", describe(cause));
        }
        try {
            journal.append(header, encoded == null ? new byte[0] : encoded.bytes());
        } catch (RuntimeException e) {
            journalFailure = e;
            LOG.error("[{}/{}] cannot journal step '{}'; the run goes on but can no longer be resumed past this point",
                    pipeline.name(), runId, node.name, e);
        }
    }

    private void record(Node unit, Attempt attempt, String outcome) {
        env.stepTimer(MetricNames.PIPELINE_STEP_DURATION, pipeline.name(), unit.step, outcome).record(attempt.duration());
    }

    private void publishStep(Node node) {
        String type = node.state == StepState.SUCCEEDED ? EventTypes.PIPELINE_STEP_FINISHED
                : node.state == StepState.FAILED ? EventTypes.PIPELINE_STEP_FAILED : null;
        if (type == null || !env.platform().eventBus().hasSubscribers(type)) {
            return;
        }
        if (node.state == StepState.SUCCEEDED) {
            publish(EventTypes.PIPELINE_STEP_FINISHED, node, Map.of("attempts", node.attempts.size(),
                    "cache_hit", node.cacheHit));
        } else if (node.state == StepState.FAILED) {
            publish(EventTypes.PIPELINE_STEP_FAILED, node, Map.of("attempts", node.attempts.size(),
                    "error", String.valueOf(node.error)));
        }
    }

    private void publish(String type, @Nullable Node node, Map<String, Object> data) {
        Event.Builder event = Event.builder(type).id(runId + "-" + executionId + "-" + eventSequence.incrementAndGet())
                .source(source).subject(runId)
                .time(env.platform().clock().instant()).data("pipeline", pipeline.name()).data("run_id", runId)
                .data(data);
        if (node != null) {
            event.data("step", node.name).data("state", node.state.name());
        }
        env.events().accept(event.build());
    }

    private void notifyState(Node node) {
        if (listener != null) {
            try {
                listener.onStepState(runId, node.name, node.state);
            } catch (RuntimeException e) {
                LOG.warn("run listener failed", e);
            }
        }
    }

    // ---- inputs and restore ---------------------------------------------------------------------

    private Object[] inputValues(Node unit) {
        if (unit.parent != null) {
            return new Object[] {unit.element};
        }
        List<Step<?>> inputs = unit.step.inputs();
        Object[] values = new Object[inputs.size()];
        for (int i = 0; i < values.length; i++) {
            Node up = nodes.get(inputs.get(i));
            values[i] = up.state == StepState.SUCCEEDED ? up.output : null;
        }
        return values;
    }

    private Map<String, String> inputFingerprints(Step<?> step) {
        Map<String, String> fps = new LinkedHashMap<>();
        for (Step<?> input : step.inputs()) {
            String fp = nodes.get(input).outputFp;
            if (fp != null) {
                fps.put(input.name(), fp);
            }
        }
        return fps;
    }

    private void restorePlainSteps() {
        for (Node node : nodes.values()) {
            if (!node.step.mapped()) {
                restore(node);
                node.restoredOnly = node.state.done();
            }
        }
    }

    private void restore(Node node) {
        Journal.Entry entry = restored.get(node.name);
        if (entry == null) {
            return;
        }
        StepState recorded = StepState.valueOf(entry.text("state"));
        if (recorded == StepState.SUCCEEDED) {
            node.output = env.outputs().decode(node.step, entry.payload(), entry.text("codec"), entry.text("type"));
            node.outputFp = entry.text("output");
            node.state = StepState.SUCCEEDED;
            node.attempts.addAll(JournalEntries.attempts(entry));
            node.cacheHit = Boolean.TRUE.equals(entry.header().get("cacheHit"));
        } else if (recorded == StepState.SKIPPED) {
            node.state = StepState.SKIPPED;
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getName() + ": " + e.getMessage();
    }

    // ---- nodes, attempts, context ---------------------------------------------------------------

    /** A step, or one instance of a mapped step. */
    private static final class Node {
        final Step<?> step;
        final @Nullable Node parent;
        final int index;
        final String name;
        StepState state = StepState.QUEUED;
        final List<Attempt> attempts = new ArrayList<>();
        @Nullable Object output;
        @Nullable String outputFp;
        Map<String, String> inputFps = Map.of();
        boolean cacheHit;
        boolean restoredOnly;
        @Nullable Throwable cause;
        @Nullable String error;
        int pendingUpstream;
        @Nullable List<Node> instances;
        int instancesDone;
        @Nullable Gate parallel;
        @Nullable Object element;

        Node(Step<?> step, @Nullable Node parent, int index, String name) {
            this.step = step;
            this.parent = parent;
            this.index = index;
            this.name = name;
        }

        StepRun toStepRun() {
            return new StepRun(name, state, attempts, cacheHit, inputFps, Optional.ofNullable(outputFp),
                    Optional.ofNullable(error), Optional.ofNullable(cause));
        }
    }

    /** One attempt; exactly one of body, timeout and cancel gets to {@link #claim()} its outcome. */
    private static final class AttemptRun {
        final Node unit;
        final int number;
        final Instant startedAt;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private @Nullable Thread thread;

        AttemptRun(Node unit, int number, Instant startedAt) {
            this.unit = unit;
            this.number = number;
            this.startedAt = startedAt;
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        synchronized void enter() {
            thread = Thread.currentThread();
        }

        synchronized void leave() {
            thread = null;
        }

        synchronized void interruptIfRunning() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** The context a step body sees. */
    private final class Context implements StepContext {
        private final Node unit;
        private final int attempt;
        private int loggedDecile = -1;

        Context(Node unit, int attempt) {
            this.unit = unit;
            this.attempt = attempt;
        }

        @Override
        public String runId() {
            return runId;
        }

        @Override
        public String pipeline() {
            return pipeline.name();
        }

        @Override
        public String step() {
            return unit.step.name();
        }

        @Override
        public OptionalInt mapIndex() {
            return unit.index < 0 ? OptionalInt.empty() : OptionalInt.of(unit.index);
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Instant logicalDate() {
            return interval.start();
        }

        @Override
        public DataInterval dataInterval() {
            return interval;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T param(Param<T> param) {
            if (!pipeline.declares(param)) {
                throw new ValidationException("param", "be declared by pipeline '" + pipeline.name() + "'",
                        param.name());
            }
            return (T) params.get(param.name());
        }

        @Override
        public Map<String, Object> params() {
            return params;
        }

        @Override
        public StepLog log() {
            String prefix = "[" + pipeline.name() + "/" + runId + "/" + unit.name + "#" + attempt + "] ";
            return new StepLog() {
                @Override
                public void info(String format, Object... args) {
                    LOG.info(prefix + format, args);
                }

                @Override
                public void warn(String format, Object... args) {
                    LOG.warn(prefix + format, args);
                }

                @Override
                public void debug(String format, Object... args) {
                    LOG.debug(prefix + format, args);
                }
            };
        }

        @Override
        public void progress(long done, long total, String unitName) {
            if (total > 0) {
                int decile = (int) Math.min(10, done * 10 / total);
                if (decile != loggedDecile) {
                    loggedDecile = decile;
                    LOG.info("[{}/{}/{}] {} of {} {} ({}%)", pipeline.name(), runId, unit.name, done, total, unitName,
                            decile * 10);
                }
            } else {
                LOG.debug("[{}/{}/{}] {} {}", pipeline.name(), runId, unit.name, done, unitName);
            }
            if (listener != null) {
                try {
                    listener.onProgress(runId, unit.name, done, total, unitName);
                } catch (RuntimeException e) {
                    LOG.warn("run listener failed", e);
                }
            }
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public Platform platform() {
            return env.platform();
        }
    }
}
