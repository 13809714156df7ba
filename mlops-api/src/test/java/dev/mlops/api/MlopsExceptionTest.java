package dev.mlops.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MlopsExceptionTest {

    @Test
    void transientFailuresAreRetryableAndBadRequestsAreNot() {
        assertThat(new OverloadedException("queue full").retryable()).isTrue();
        assertThat(new OperationTimeoutException("step 'train'", Duration.ofMinutes(10)).retryable()).isTrue();
        assertThat(new ValidationException("f", "be set", null).retryable()).isFalse();
        assertThat(new NotFoundException("model", "m").retryable()).isFalse();
        assertThat(new ConflictException("clash").retryable()).isFalse();
        assertThat(new MlopsException("x").retryable()).isFalse();
        assertThat(new MlopsException("io", new RuntimeException(), true).retryable()).isTrue();
    }

    @Test
    void messagesNameTheEntityAndTheLimit() {
        NotFoundException missing = new NotFoundException("model", "movie-rater");
        assertThat(missing).hasMessage("model 'movie-rater' not found");
        assertThat(missing.kind()).isEqualTo("model");
        assertThat(missing.name()).isEqualTo("movie-rater");
        assertThat(new NotFoundException("event bus provider", "kafka", "on the class path: in-process"))
                .hasMessage("event bus provider 'kafka' not found; on the class path: in-process");
        OperationTimeoutException timeout = new OperationTimeoutException("step 'train'", Duration.ofMinutes(10));
        assertThat(timeout).hasMessage("step 'train' timed out after PT10M");
        assertThat(timeout.timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void allAreUnchecked() {
        assertThat(RuntimeException.class).isAssignableFrom(MlopsException.class);
        assertThat(MlopsException.class).isAssignableFrom(ValidationException.class)
                .isAssignableFrom(NotFoundException.class).isAssignableFrom(ConflictException.class)
                .isAssignableFrom(OverloadedException.class).isAssignableFrom(OperationTimeoutException.class);
    }
}
