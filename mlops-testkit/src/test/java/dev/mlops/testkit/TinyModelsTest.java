package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Table;
import dev.mlops.core.training.TrainedModel;
import org.junit.jupiter.api.Test;

/** The synthetic tables have their known answers, and the tiny model learns them. */
class TinyModelsTest {
    @Test
    void tablesAreReproducibleAndCarryTheirAnswer() {
        Table table = SyntheticData.linear(50, 4);
        assertThat(table.rowCount()).isEqualTo(50);
        assertThat(SyntheticData.linear(50, 4)).isEqualTo(table);
        for (int i = 0; i < table.rowCount(); i++) {
            assertThat(table.doubleAt(i, 2)).isCloseTo(2 * table.doubleAt(i, 0) - table.doubleAt(i, 1), within(1e-12));
        }
        Table shifted = SyntheticData.linear(2_000, 4, 3.0, 5.0);
        double sum = 0;
        for (int i = 0; i < shifted.rowCount(); i++) {
            sum += shifted.doubleAt(i, 0);
        }
        assertThat(sum / shifted.rowCount()).isCloseTo(5.0, within(0.1));
        Table classes = SyntheticData.classes(200, 4);
        for (int i = 0; i < classes.rowCount(); i++) {
            assertThat(classes.longAt(i, 2)).isEqualTo(classes.doubleAt(i, 0) + classes.doubleAt(i, 1) > 0 ? 1L : 0L);
        }
        assertThatThrownBy(() -> SyntheticData.linear(0, 1)).isInstanceOf(ValidationException.class);
    }

    @Test
    void theTinyModelLearnsItsFunction() {
        Table probe = SyntheticData.linear(20, 9);
        try (TrainedModel model = TinyModels.linear()) {
            float[] predicted = model.predict(probe);
            for (int i = 0; i < predicted.length; i++) {
                assertThat((double) predicted[i]).isCloseTo(probe.doubleAt(i, 2), within(0.6));
            }
        }
    }
}
