package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, checked DAG of typed steps. The edges follow from data: a step lists the steps whose
 * outputs it takes and receives them as typed values, so the graph cannot disagree with the code.
 *
 * <pre>{@code
 * var p = Pipeline.builder("train-movie-rater");
 * Param<Integer> minStars = p.param("min_stars", Integer.class).defaultValue(1);
 * Step<List<Rating>> raw  = p.step("ingest", ctx -> source.read()).retries(3);
 * Step<List<Rating>> kept = p.step("filter", raw, (ctx, rows) -> keep(rows, ctx.param(minStars)));
 * Step<List<Double>> scores = p.map("score", kept, (ctx, row) -> model.score(row)).maxParallel(4);
 * p.step("report", kept, scores, (ctx, rows, s) -> report(rows, s));
 * Pipeline pipeline = p.build();   // rejects cycles, naming the cycle
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Pipeline {
    /** The most steps one pipeline may have. */
    public static final int MAX_STEPS = 100_000;

    private final String name;
    private final List<Step<?>> steps;
    private final Map<String, Step<?>> byName;
    private final List<Param<?>> params;
    private final Map<String, Integer> pools;

    private Pipeline(String name, List<Step<?>> steps, List<Param<?>> params, Map<String, Integer> pools) {
        this.name = name;
        this.steps = List.copyOf(steps);
        Map<String, Step<?>> index = new HashMap<>();
        for (Step<?> step : steps) {
            index.put(step.name(), step);
        }
        this.byName = Collections.unmodifiableMap(index);
        this.params = List.copyOf(params);
        this.pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /**
     * Starts a pipeline.
     *
     * @param name a valid {@link Name}
     * @return a builder
     * @throws ValidationException if the name is invalid
     */
    public static Builder builder(String name) {
        return new Builder(Name.check("pipeline.name", name));
    }

    /**
     * The pipeline name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The steps, each after every step it waits for.
     *
     * @return the steps in a topological order
     */
    public List<Step<?>> steps() {
        return steps;
    }

    /**
     * A step by name.
     *
     * @param stepName the name
     * @return the step, if the pipeline has it
     */
    public Optional<Step<?>> step(String stepName) {
        return Optional.ofNullable(byName.get(stepName));
    }

    /**
     * The declared parameters.
     *
     * @return the parameters in declaration order
     */
    public List<Param<?>> params() {
        return params;
    }

    /**
     * Tells whether a parameter was declared by this pipeline.
     *
     * @param param the parameter
     * @return {@code true} if it is one of {@link #params()}
     */
    public boolean declares(Param<?> param) {
        return params.contains(param);
    }

    /**
     * The declared resource pools and their sizes.
     *
     * @return pool sizes by name
     */
    public Map<String, Integer> pools() {
        return pools;
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ", " + steps.size() + " steps]";
    }

    /**
     * Builds a {@link Pipeline}: declare parameters and pools, add steps, then {@link #build()}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final String name;
        private final Map<String, Step<?>> steps = new LinkedHashMap<>();
        private final Map<String, Param<?>> params = new LinkedHashMap<>();
        private final Map<String, Integer> pools = new LinkedHashMap<>();
        private boolean built;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Declares a typed parameter.
         *
         * @param paramName a valid {@link Name}, unique in the pipeline
         * @param type one of {@link Param#TYPES}
         * @param <T> the value type
         * @return the parameter, to refine with {@code defaultValue}, {@code required} and {@code check}
         */
        public <T> Param<T> param(String paramName, Class<T> type) {
            open();
            Name.check("param.name", paramName);
            Checks.notNull("param." + paramName + " type", type);
            if (!Param.TYPES.contains(type)) {
                throw new ValidationException("param." + paramName + " type", "be one of String, Integer, Long, "
                        + "Double, Boolean, Instant, LocalDate, Duration", type.getName());
            }
            if (params.containsKey(paramName)) {
                throw new ConflictException("param '" + paramName + "' is declared twice in pipeline '" + name + "'");
            }
            Param<T> param = new Param<>(this, paramName, type);
            params.put(paramName, param);
            return param;
        }

        /**
         * Declares a resource pool: steps placed in it with {@link Step#pool(String)} run at most
         * {@code size} at a time, across all runs of the runner.
         *
         * @param poolName a valid {@link Name}
         * @param size between 1 and 10,000
         * @return this builder
         */
        public Builder pool(String poolName, int size) {
            open();
            Name.check("pool.name", poolName);
            pools.put(poolName, Checks.inRange("pool." + poolName + ".size", size, 1, 10_000));
            return this;
        }

        /**
         * Adds a step without inputs.
         *
         * @param stepName a valid {@link Name}, unique in the pipeline
         * @param body the step body
         * @param <T> the output type
         * @return the step handle
         */
        public <T> Step<T> step(String stepName, StepFunctions.Source<T> body) {
            Checks.notNull("step." + stepName + " body", body);
            return add(stepName, List.of(), (ctx, in) -> body.apply(ctx), false);
        }

        /**
         * Adds a step with one input.
         *
         * @param stepName a valid {@link Name}, unique in the pipeline
         * @param a the input step
         * @param body the step body
         * @param <A> the input type
         * @param <T> the output type
         * @return the step handle
         */
        @SuppressWarnings("unchecked")
        public <A, T> Step<T> step(String stepName, Step<A> a, StepFunctions.Fn1<A, T> body) {
            Checks.notNull("step." + stepName + " body", body);
            return add(stepName, inputs(stepName, a), (ctx, in) -> body.apply(ctx, (A) in[0]), false);
        }

        /**
         * Adds a step with two inputs.
         *
         * @param stepName a valid {@link Name}, unique in the pipeline
         * @param a the first input step
         * @param b the second input step
         * @param body the step body
         * @param <A> the first input type
         * @param <B> the second input type
         * @param <T> the output type
         * @return the step handle
         */
        @SuppressWarnings("unchecked")
        public <A, B, T> Step<T> step(String stepName, Step<A> a, Step<B> b, StepFunctions.Fn2<A, B, T> body) {
            Checks.notNull("step." + stepName + " body", body);
            return add(stepName, inputs(stepName, a, b), (ctx, in) -> body.apply(ctx, (A) in[0], (B) in[1]), false);
        }

        /**
         * Adds a step with three inputs.
         *
         * @param stepName a valid {@link Name}, unique in the pipeline
         * @param a the first input step
         * @param b the second input step
         * @param c the third input step
         * @param body the step body
         * @param <A> the first input type
         * @param <B> the second input type
         * @param <C> the third input type
         * @param <T> the output type
         * @return the step handle
         */
        @SuppressWarnings("unchecked")
        public <A, B, C, T> Step<T> step(String stepName, Step<A> a, Step<B> b, Step<C> c,
                StepFunctions.Fn3<A, B, C, T> body) {
            Checks.notNull("step." + stepName + " body", body);
            return add(stepName, inputs(stepName, a, b, c),
                    (ctx, in) -> body.apply(ctx, (A) in[0], (B) in[1], (C) in[2]), false);
        }

        /**
         * Adds a mapped step: one instance per element of a list produced upstream, run in parallel
         * (see {@link Step#maxParallel(int)}); its output is the list of the instances' outputs, in
         * element order.
         *
         * @param stepName a valid {@link Name}, unique in the pipeline
         * @param items the step producing the list
         * @param body the body run for each element
         * @param <E> the element type
         * @param <T> the output type of one instance
         * @return the step handle
         */
        @SuppressWarnings("unchecked")
        public <E, T> Step<List<T>> map(String stepName, Step<? extends List<E>> items, StepFunctions.Fn1<E, T> body) {
            Checks.notNull("step." + stepName + " body", body);
            return add(stepName, inputs(stepName, items), (ctx, in) -> body.apply(ctx, (E) in[0]), true);
        }

        /**
         * Checks the whole graph and freezes it.
         *
         * @return the pipeline
         * @throws ValidationException if there is no step, a step takes a step of another pipeline,
         *     a step names an undeclared pool, or the steps form a cycle (the message names it)
         */
        public Pipeline build() {
            open();
            if (steps.isEmpty()) {
                throw new ValidationException("pipeline." + name, "have at least one step", "no steps");
            }
            for (Step<?> step : steps.values()) {
                for (Step<?> up : step.upstream()) {
                    if (!up.ownedBy(this)) {
                        throw new ValidationException("step." + step.name(), "take only steps of pipeline '" + name
                                + "'; '" + up.name() + "' belongs to another pipeline", up.name());
                    }
                }
                step.poolName().ifPresent(pool -> {
                    if (!pools.containsKey(pool)) {
                        throw new ValidationException("step." + step.name() + ".pool", "name a pool declared with "
                                + "Pipeline.Builder.pool (declared: " + pools.keySet() + ")", pool);
                    }
                });
            }
            List<Step<?>> order = topologicalOrder();
            built = true;
            steps.values().forEach(Step::freeze);
            params.values().forEach(Param::freeze);
            return new Pipeline(name, order, new ArrayList<>(params.values()), pools);
        }

        private List<Step<?>> inputs(String stepName, Step<?>... inputs) {
            for (int i = 0; i < inputs.length; i++) {
                Checks.notNull("step." + stepName + " input " + (i + 1), inputs[i]);
            }
            return List.of(inputs);
        }

        private <T> Step<T> add(String stepName, List<Step<?>> inputs, StepFunctions.Body body, boolean mapped) {
            open();
            Name.check("step.name", stepName);
            if (steps.containsKey(stepName)) {
                throw new ConflictException("step '" + stepName + "' is declared twice in pipeline '" + name + "'");
            }
            if (steps.size() >= MAX_STEPS) {
                throw new ValidationException("pipeline." + name, "have at most " + MAX_STEPS + " steps", steps.size() + 1);
            }
            Step<T> step = new Step<>(this, stepName, inputs, body, mapped);
            steps.put(stepName, step);
            return step;
        }

        private List<Step<?>> topologicalOrder() {
            List<Step<?>> order = new ArrayList<>();
            Set<Step<?>> done = new HashSet<>();
            for (Step<?> root : steps.values()) {
                if (done.contains(root)) {
                    continue;
                }
                // Iterative depth-first search: a path stack finds cycles, deep chains need no recursion.
                List<Step<?>> path = new ArrayList<>();
                List<Integer> nextUp = new ArrayList<>();
                Set<Step<?>> onPath = new HashSet<>();
                path.add(root);
                nextUp.add(0);
                onPath.add(root);
                while (!path.isEmpty()) {
                    int top = path.size() - 1;
                    Step<?> current = path.get(top);
                    List<Step<?>> ups = current.upstream();
                    int i = nextUp.get(top);
                    if (i < ups.size()) {
                        nextUp.set(top, i + 1);
                        Step<?> up = ups.get(i);
                        if (onPath.contains(up)) {
                            throw cycle(path, up);
                        }
                        if (!done.contains(up)) {
                            path.add(up);
                            nextUp.add(0);
                            onPath.add(up);
                        }
                    } else {
                        path.remove(top);
                        nextUp.remove(top);
                        onPath.remove(current);
                        done.add(current);
                        order.add(current);
                    }
                }
            }
            return order;
        }

        private ValidationException cycle(List<Step<?>> path, Step<?> repeated) {
            // The path runs downstream to upstream; print it in data-flow order, closing the loop.
            List<String> names = new ArrayList<>();
            for (int i = path.size() - 1; i >= path.indexOf(repeated); i--) {
                names.add(path.get(i).name());
            }
            // Start at the step declared first, so the same cycle always reads the same way.
            List<String> declared = new ArrayList<>(steps.keySet());
            String first = names.stream().min(Comparator.comparingInt(declared::indexOf)).orElseThrow();
            Collections.rotate(names, -names.indexOf(first));
            names.add(names.get(0));
            return new ValidationException("pipeline." + name, "not have a cycle", String.join(" -> ", names));
        }

        private void open() {
            if (built) {
                throw new MlopsException("pipeline '" + name + "' is already built; start a new builder");
            }
        }
    }
}
