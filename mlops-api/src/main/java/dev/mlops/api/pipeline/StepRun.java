package dev.mlops.api.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to one step in a run. A mapped step has one entry for itself and one per instance,
 * named {@code step[i]}.
 *
 * @param name the step name, or {@code step[i]} for an instance of a mapped step
 * @param state the state
 * @param attempts the attempts made in this run, in order (none for skipped, cached and aggregate entries)
 * @param cacheHit whether the output was reused from the cache
 * @param inputFingerprints SHA-256 of each input's encoded output, by input step name
 * @param outputFingerprint SHA-256 of the encoded output, if it succeeded and was encoded
 * @param error the failure as {@code ExceptionClass: message}, for failed steps
 * @param cause the exception itself, for failed steps of a run in this JVM
 * @since 0.1.0
 */
public record StepRun(String name, StepState state, List<Attempt> attempts, boolean cacheHit,
        Map<String, String> inputFingerprints, Optional<String> outputFingerprint, Optional<String> error,
        Optional<Throwable> cause) {

    /**
     * Copies the lists and maps.
     *
     * @param name the step name
     * @param state the state
     * @param attempts the attempts
     * @param cacheHit whether the output came from the cache
     * @param inputFingerprints input fingerprints
     * @param outputFingerprint the output fingerprint
     * @param error the failure text
     * @param cause the failure
     */
    public StepRun {
        attempts = List.copyOf(attempts);
        inputFingerprints = Map.copyOf(inputFingerprints);
    }
}
