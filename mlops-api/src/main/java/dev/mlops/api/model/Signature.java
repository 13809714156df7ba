package dev.mlops.api.model;

import java.util.List;

/**
 * What a model takes and returns.
 *
 * <pre>{@code
 * Signature sig = new Signature(List.of(TensorSpec.of("features", "float32", -1, 32)),
 *                               List.of(TensorSpec.of("rating", "float32", -1, 1)));
 * }</pre>
 *
 * @param inputs the inputs, in order
 * @param outputs the outputs, in order
 * @since 0.1.0
 */
public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    /**
     * Copies the lists.
     *
     * @param inputs the inputs
     * @param outputs the outputs
     */
    public Signature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
