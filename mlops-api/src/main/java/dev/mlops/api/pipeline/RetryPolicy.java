package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.util.Random;
import java.util.function.Predicate;

/**
 * How often a step is attempted and how long the runner waits in between: exponential backoff
 * ({@code initialBackoff × multiplier^(attempt-1)}, capped at {@code maxBackoff}) with random jitter,
 * for failures that {@code retryOn} accepts (by default every exception but a
 * {@link ValidationException}, which would fail again the same way).
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .maxAttempts(5)
 *         .initialBackoff(Duration.ofSeconds(1))
 *         .maxBackoff(Duration.ofMinutes(1))
 *         .retryOn(e -> e instanceof java.io.IOException)
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final Predicate<Throwable> retryOn;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.retryOn = b.retryOn;
    }

    /**
     * One attempt, no retry.
     *
     * @return the policy
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Up to {@code maxAttempts} attempts with the default backoff (1 s doubling to at most 5 min,
     * 20 % jitter).
     *
     * @param maxAttempts between 1 and 100
     * @return the policy
     */
    public static RetryPolicy attempts(int maxAttempts) {
        return builder().maxAttempts(maxAttempts).build();
    }

    /**
     * Starts a policy.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The most attempts, the first included.
     *
     * @return at least 1
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Tells whether a failure of an attempt may be retried.
     *
     * @param failure what the attempt threw
     * @param attempt the attempt that failed, from 1
     * @return {@code true} if another attempt is allowed and the failure is retryable
     */
    public boolean shouldRetry(Throwable failure, int attempt) {
        return attempt < maxAttempts && retryOn.test(failure);
    }

    /**
     * The wait before the next attempt.
     *
     * @param attempt the attempt that just failed, from 1
     * @param random the source of jitter
     * @return the delay
     */
    public Duration backoff(int attempt, Random random) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 1);
        double capped = Math.min(base, maxBackoff.toMillis());
        double spread = capped * jitter * (random.nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter + "]";
    }

    /**
     * Builds a {@link RetryPolicy}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private int maxAttempts = 1;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(5);
        private double multiplier = 2.0;
        private double jitter = 0.2;
        private Predicate<Throwable> retryOn = e -> !(e instanceof ValidationException);

        private Builder() {
        }

        /**
         * Sets the most attempts.
         *
         * @param maxAttempts between 1 and 100; default 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Checks.inRange("retry.maxAttempts", maxAttempts, 1, 100);
            return this;
        }

        /**
         * Sets the wait after the first failed attempt.
         *
         * @param backoff zero or more; default 1 s
         * @return this builder
         */
        public Builder initialBackoff(Duration backoff) {
            Checks.notNull("retry.initialBackoff", backoff);
            if (backoff.isNegative()) {
                throw new ValidationException("retry.initialBackoff", "not be negative", backoff);
            }
            this.initialBackoff = backoff;
            return this;
        }

        /**
         * Sets the longest wait.
         *
         * @param backoff positive; default 5 min
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = Checks.positive("retry.maxBackoff", backoff);
            return this;
        }

        /**
         * Sets the growth of the wait per attempt.
         *
         * @param multiplier between 1 and 10; default 2
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1 && multiplier <= 10)) {
                throw new ValidationException("retry.multiplier", "be between 1 and 10", multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Sets the random spread of each wait, as a fraction of it.
         *
         * @param jitter between 0 and 1; default 0.2
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new ValidationException("retry.jitter", "be between 0 and 1", jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets which failures are retried.
         *
         * @param retryOn true for a retryable failure
         * @return this builder
         */
        public Builder retryOn(Predicate<Throwable> retryOn) {
            this.retryOn = Checks.notNull("retry.retryOn", retryOn);
            return this;
        }

        /**
         * Creates the policy.
         *
         * @return the policy
         * @throws ValidationException if {@code initialBackoff} exceeds {@code maxBackoff}
         */
        public RetryPolicy build() {
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new ValidationException("retry.initialBackoff", "not exceed maxBackoff " + maxBackoff, initialBackoff);
            }
            return new RetryPolicy(this);
        }
    }
}
