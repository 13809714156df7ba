package dev.mlops.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TableTest {
    static final Schema SCHEMA = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("movie_id", ColumnType.LONG),
            Column.of("stars", ColumnType.DOUBLE), Column.of("liked", ColumnType.BOOLEAN),
            Column.of("rated_at", ColumnType.TIMESTAMP), Column.of("day", ColumnType.DATE));
    static final Instant T = Instant.parse("2026-01-01T10:00:00.123456Z");

    static Table sample() {
        return Table.builder(SCHEMA)
                .addRow("u1", 10L, 4.5, true, T, LocalDate.of(2026, 1, 1))
                .addRow("u2", 11, null, false, T.plusSeconds(60), null)
                .addRow(null, 12L, 2.0f, null, null, LocalDate.of(2026, 1, 3))
                .build();
    }

    @Test
    void aSizedBuilderTakesMoreRowsThanExpectedAndRefusesANegativeSize() {
        Schema ids = Schema.of(Column.of("id", ColumnType.LONG));
        Table table = Table.builder(ids, 1).addRow(1L).addRow(2L).addRow(3L).build();
        assertThat(table.rowCount()).isEqualTo(3);
        assertThat(table.longAt(2, 0)).isEqualTo(3L);
        assertThatThrownBy(() -> Table.builder(ids, -1)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("expectedRows must be");
    }

    @Test
    void holdsTypedColumnsWithNulls() {
        Table t = sample();
        assertThat(t.rowCount()).isEqualTo(3);
        assertThat(t.row(0)).containsExactly("u1", 10L, 4.5, true, T, LocalDate.of(2026, 1, 1));
        assertThat(t.row(1)).containsExactly("u2", 11L, null, false, T.plusSeconds(60), null);
        assertThat(t.value(2, 2)).isEqualTo(2.0);
        assertThat(t.isNull(2, 0)).isTrue();
        assertThat(t.longAt(0, 1)).isEqualTo(10L);
        assertThat(t.doubleAt(0, 2)).isEqualTo(4.5);
        assertThat(t.stringAt(1, 0)).isEqualTo("u2");
        assertThat(t.booleanAt(0, 3)).isTrue();
        assertThat(t.longAt(0, 4)).isEqualTo(T.getEpochSecond() * 1_000_000 + 123_456);
        assertThat(t.toString()).startsWith("Table(user_id STRING, movie_id LONG").contains("3 rows");
    }

    @Test
    void selectsAndFiltersRows() {
        Table t = sample();
        Table picked = t.select(new int[] {2, 0});
        assertThat(picked.row(0)).isEqualTo(t.row(2));
        assertThat(picked.row(1)).isEqualTo(t.row(0));
        assertThat(t.filter(row -> !t.isNull(row, 2)).rowCount()).isEqualTo(2);
        assertThat(t.toBuilder().build()).isEqualTo(t).hasSameHashCodeAs(t);
        assertThat(picked).isNotEqualTo(t);
    }

    @Test
    void growsPastItsInitialCapacity() {
        Table.Builder b = Table.builder(Schema.of(Column.of("n", ColumnType.LONG)));
        for (long i = 0; i < 1000; i++) {
            b.addRow(i);
        }
        Table t = b.build();
        assertThat(t.rowCount()).isEqualTo(1000);
        assertThat(t.longAt(999, 0)).isEqualTo(999L);
    }

    @Test
    void rejectsValuesOfAnotherTypeAndLeavesTheBuilderUnchanged() {
        Table.Builder b = Table.builder(SCHEMA);
        assertThatThrownBy(() -> b.addRow("u1", "10", 4.5, true, T, null)).isInstanceOf(ValidationException.class)
                .hasMessage("column movie_id must hold LONG values (Long), not String, was '10'");
        assertThatThrownBy(() -> b.addRow("u1", 10L, 4, true, T, null))
                .hasMessage("column stars must hold DOUBLE values (Double), not Integer, was '4'");
        assertThat(b.rowCount()).isZero();
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> Table.builder(SCHEMA).addRow("u1", 10L))
                .hasMessageStartingWith("row 0 must have 6 values (user_id STRING");
    }

    @Test
    void rejectsOutOfRangeCells() {
        assertThatThrownBy(() -> sample().value(3, 0)).hasMessage("row must be between 0 and 2, was '3'");
        assertThatThrownBy(() -> sample().value(0, 9)).hasMessage("column must be between 0 and 5, was '9'");
    }

    @Test
    void schemasRejectDuplicateAndUnknownColumns() {
        assertThatThrownBy(() -> Schema.of(Column.of("a", ColumnType.LONG), Column.of("a", ColumnType.STRING)))
                .isInstanceOf(ConflictException.class).hasMessage("column 'a' appears twice in the schema");
        assertThatThrownBy(() -> SCHEMA.indexOf("nope")).isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("column 'nope' not found; columns:");
        assertThatThrownBy(() -> Schema.of(Arrays.asList())).hasMessage("schema must have between 1 and 10000 columns, was '0'");
        assertThatThrownBy(() -> Column.of("Bad Name", ColumnType.LONG)).hasMessageStartingWith("column.name must");
    }
}
