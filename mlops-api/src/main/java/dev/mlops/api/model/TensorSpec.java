package dev.mlops.api.model;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.util.Arrays;
import java.util.List;

/**
 * One named input or output of a model: element type and shape ({@code -1} for a dimension of any
 * size, such as the batch).
 *
 * <pre>{@code
 * TensorSpec features = TensorSpec.of("features", "float32", -1, 32);
 * }</pre>
 *
 * @param name the name
 * @param type the element type, e.g. {@code float32}, {@code int64}, {@code string}
 * @param shape the dimensions, each {@code -1} or positive
 * @since 0.1.0
 */
public record TensorSpec(String name, String type, List<Long> shape) {
    /**
     * Checks the spec.
     *
     * @param name the name
     * @param type the element type
     * @param shape the dimensions
     */
    public TensorSpec {
        Checks.text("tensor.name", name, 200);
        Checks.text("tensor." + name + ".type", type, 50);
        shape = List.copyOf(Checks.notNull("tensor." + name + ".shape", shape));
        for (Long d : shape) {
            if (d == null || (d != -1 && d <= 0)) {
                throw new ValidationException("tensor." + name + ".shape", "hold -1 or positive dimensions", shape);
            }
        }
    }

    /**
     * A spec.
     *
     * @param name the name
     * @param type the element type
     * @param shape the dimensions
     * @return the spec
     */
    public static TensorSpec of(String name, String type, long... shape) {
        return new TensorSpec(name, type, Arrays.stream(shape).boxed().toList());
    }
}
