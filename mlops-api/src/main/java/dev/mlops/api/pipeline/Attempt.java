package dev.mlops.api.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt of a step.
 *
 * @param number the attempt number, from 1
 * @param startedAt when it started
 * @param endedAt when it ended
 * @param error the failure as {@code ExceptionClass: message}, or empty if it succeeded
 * @since 0.1.0
 */
public record Attempt(int number, Instant startedAt, Instant endedAt, Optional<String> error) {
    /**
     * How long it took.
     *
     * @return the duration
     */
    public Duration duration() {
        return Duration.between(startedAt, endedAt);
    }
}
