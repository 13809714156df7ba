package dev.mlops.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tables to tensors on the real PyTorch engine (loaded offline from the native jar on the class path). */
class NDArraysTest {
    private static final Table TRAINING = Table.builder(Schema.of(Column.of("user", ColumnType.STRING),
                    Column.of("count", ColumnType.LONG), Column.of("mean", ColumnType.DOUBLE),
                    Column.of("liked", ColumnType.BOOLEAN), Column.of("stars", ColumnType.DOUBLE)))
            .addRow("u1", 3L, 4.5, true, 5.0)
            .addRow("u2", 10L, 2.25, false, 2.0)
            .addRow("u3", 0L, 3.0, true, null)
            .build();

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void columnsBecomeAFloatMatrixRowByRow() {
        NDArray x = NDArrays.matrix(manager, TRAINING, List.of("count", "mean", "liked"));

        assertThat(x.getShape()).isEqualTo(new Shape(3, 3));
        assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(x.toFloatArray()).containsExactly(3f, 4.5f, 1f, 10f, 2.25f, 0f, 0f, 3f, 1f);
        assertThat(x.getManager().getEngine().getEngineName()).isEqualTo("PyTorch");
    }

    @Test
    void aColumnBecomesAVector() {
        NDArray y = NDArrays.vector(manager, TRAINING.filter(r -> r < 2), "stars");
        assertThat(y.getShape()).isEqualTo(new Shape(2));
        assertThat(y.toFloatArray()).containsExactly(5f, 2f);
    }

    @Test
    void refusesWhatCannotBecomeATensorAndAllocatesNothing() {
        assertThatThrownBy(() -> NDArrays.matrix(manager, TRAINING, List.of("count", "user")))
                .isInstanceOf(ValidationException.class)
                .hasMessage("column user must be LONG, DOUBLE or BOOLEAN to become a tensor, was 'STRING'");
        assertThatThrownBy(() -> NDArrays.matrix(manager, TRAINING, List.of("nope")))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("column must be one of");
        assertThatThrownBy(() -> NDArrays.matrix(manager, TRAINING, List.of()))
                .isInstanceOf(ValidationException.class).hasMessage("columns must name at least one column, was '[]'");
        assertThatThrownBy(() -> NDArrays.vector(manager, TRAINING, "stars"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("column stars row 2 must hold a value to become a tensor (fill nulls first)");
        assertThat(manager.getManagedArrays()).isEmpty();
    }
}
