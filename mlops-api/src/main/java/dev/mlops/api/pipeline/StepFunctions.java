package dev.mlops.api.pipeline;

/**
 * The shapes of step bodies, by number of inputs. Bodies may throw any exception: the runner
 * records it as the attempt's cause and retries when the step's {@link RetryPolicy} says so.
 *
 * @since 0.1.0
 */
public final class StepFunctions {
    private StepFunctions() {
    }

    /**
     * A step body without inputs.
     *
     * @param <T> the output type
     */
    @FunctionalInterface
    public interface Source<T> {
        /**
         * Runs the step.
         *
         * @param ctx the step context
         * @return the output, or {@code null} for none
         * @throws Exception any failure; recorded and possibly retried
         */
        T apply(StepContext ctx) throws Exception;
    }

    /**
     * A step body with one input.
     *
     * @param <A> the input type
     * @param <T> the output type
     */
    @FunctionalInterface
    public interface Fn1<A, T> {
        /**
         * Runs the step.
         *
         * @param ctx the step context
         * @param a the output of the first input step
         * @return the output, or {@code null} for none
         * @throws Exception any failure; recorded and possibly retried
         */
        T apply(StepContext ctx, A a) throws Exception;
    }

    /**
     * A step body with two inputs.
     *
     * @param <A> the first input type
     * @param <B> the second input type
     * @param <T> the output type
     */
    @FunctionalInterface
    public interface Fn2<A, B, T> {
        /**
         * Runs the step.
         *
         * @param ctx the step context
         * @param a the output of the first input step
         * @param b the output of the second input step
         * @return the output, or {@code null} for none
         * @throws Exception any failure; recorded and possibly retried
         */
        T apply(StepContext ctx, A a, B b) throws Exception;
    }

    /**
     * A step body with three inputs.
     *
     * @param <A> the first input type
     * @param <B> the second input type
     * @param <C> the third input type
     * @param <T> the output type
     */
    @FunctionalInterface
    public interface Fn3<A, B, C, T> {
        /**
         * Runs the step.
         *
         * @param ctx the step context
         * @param a the output of the first input step
         * @param b the output of the second input step
         * @param c the output of the third input step
         * @return the output, or {@code null} for none
         * @throws Exception any failure; recorded and possibly retried
         */
        T apply(StepContext ctx, A a, B b, C c) throws Exception;
    }

    /**
     * The uniform form the runner calls: the context and the outputs of the input steps, in order.
     */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the step.
         *
         * @param ctx the step context
         * @param inputs the input values, in the order the step named its inputs
         * @return the output
         * @throws Exception any failure
         */
        Object apply(StepContext ctx, Object[] inputs) throws Exception;
    }
}
