package dev.mlops.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFilesTest {
    static final Schema SCHEMA = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("movie_id", ColumnType.LONG),
            Column.of("stars", ColumnType.DOUBLE), Column.of("liked", ColumnType.BOOLEAN),
            Column.of("rated_at", ColumnType.TIMESTAMP), Column.of("day", ColumnType.DATE));
    static final Instant T = Instant.parse("2026-01-01T10:00:00.123456Z");

    @TempDir
    Path dir;
    private final JsonCodec json = JsonCodec.create();

    static Table sample() {
        return Table.builder(SCHEMA)
                .addRow("u1", 10L, 4.5, true, T, LocalDate.of(2026, 1, 1))
                .addRow("a, \"quoted\"\nname", -11L, null, false, T.plusSeconds(60), null)
                .addRow("", 12L, 1.0E10, null, null, LocalDate.of(2026, 1, 3))
                .addRow(null, 13L, 0.25, true, T, LocalDate.of(2026, 1, 4))
                .build();
    }

    @Test
    void tableCodecRoundTripsEveryTypeAndNull() {
        Table t = sample();
        assertThat(TableCodec.INSTANCE.decode(TableCodec.INSTANCE.encode(t))).isEqualTo(t);
    }

    @Test
    void tableCodecRejectsMalformedBytes() {
        byte[] bytes = TableCodec.INSTANCE.encode(sample());
        assertThatThrownBy(() -> TableCodec.INSTANCE.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("table bytes are cut short or malformed");
        assertThatThrownBy(() -> TableCodec.INSTANCE.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .hasMessage("table bytes must start with the MLTB magic number, was 'other bytes'");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> TableCodec.INSTANCE.decode(longer)).hasMessage("table bytes must end after the last column, was '1 extra bytes'");
    }

    @Test
    void csvRoundTripsQuotesLineBreaksEmptyStringsAndNulls() {
        Path file = dir.resolve("out/ratings.csv");
        CsvFiles.write(sample(), file);
        assertThat(CsvFiles.read(file, SCHEMA)).isEqualTo(sample());
    }

    @Test
    void csvReadsColumnsByHeaderNameAndIgnoresExtras() throws IOException {
        Path file = Files.writeString(dir.resolve("r.csv"), "extra,stars,user_id\r\nx,4.5,u1\ny,,u2\n");
        Table t = CsvFiles.read(file, Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("stars", ColumnType.DOUBLE)));
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(t.row(0)).containsExactly("u1", 4.5);
        assertThat(t.row(1)).containsExactly("u2", null);
    }

    @Test
    void csvRejectsMissingColumns() throws IOException {
        Path file = Files.writeString(dir.resolve("r.csv"), "user_id\nu1\n");
        assertThatThrownBy(() -> CsvFiles.read(file, SCHEMA)).hasMessageContaining("header must name every schema column; missing 'movie_id'");
    }

    @Test
    void csvRejectsCellsOfTheWrongFormNamingLineAndColumn() throws IOException {
        Schema s = Schema.of(Column.of("n", ColumnType.LONG), Column.of("d", ColumnType.DOUBLE), Column.of("b", ColumnType.BOOLEAN),
                Column.of("t", ColumnType.TIMESTAMP));
        Path file = Files.writeString(dir.resolve("bad.csv"), "n,d,b,t\n1,2.5,true,2026-01-01T00:00:00Z\n1.5,2,false,2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).isInstanceOf(ValidationException.class)
                .hasMessage(file + " line 3 column 'n' must be a whole number (LONG), was '1.5'");
        Files.writeString(file, "n,d,b,t\n1,0x10,true,2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessageEndingWith("column 'd' must be a decimal number (DOUBLE), was '0x10'");
        Files.writeString(file, "n,d,b,t\n1,1,yes,2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessageEndingWith("column 'b' must be true or false (BOOLEAN), was 'yes'");
        Files.writeString(file, "n,d,b,t\n1,1,true,2026-01-01 00:00\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessageEndingWith(
                "column 't' must be an ISO-8601 timestamp with offset, e.g. 2026-01-01T10:00:00Z, was '2026-01-01 00:00'");
        Files.writeString(file, "n,d,b,t\n99999999999999999999,1,true,2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessageContaining("column 'n' must be a whole number (LONG)");
    }

    @Test
    void csvRejectsRaggedRowsAndOpenQuotes() throws IOException {
        Path file = Files.writeString(dir.resolve("r.csv"), "user_id,stars\nu1\n");
        Schema s = Schema.of(Column.of("user_id", ColumnType.STRING), Column.of("stars", ColumnType.DOUBLE));
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessage(file + " line 2 must have 2 fields like the header, was '1 fields'");
        Files.writeString(file, "user_id,stars\n\"u1,4\n");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessage("line 2 must close every quoted field, was 'end of file inside quotes'");
        Files.writeString(file, "");
        assertThatThrownBy(() -> CsvFiles.read(file, s)).hasMessage(file + " must start with a header row, was 'an empty file'");
    }

    @Test
    void parquetRoundTripsEveryTypeAndNull() {
        Path file = dir.resolve("out/ratings.parquet");
        ParquetFiles.write(sample(), file);
        assertThat(ParquetFiles.read(file, SCHEMA)).isEqualTo(sample());
        Schema two = Schema.of(Column.of("movie_id", ColumnType.LONG), Column.of("user_id", ColumnType.STRING));
        assertThat(ParquetFiles.read(file, two).row(1)).containsExactly(-11L, "a, \"quoted\"\nname");
    }

    @Test
    void jsonLinesRoundTripsAndIsStrictAboutTypes() throws IOException {
        Path file = dir.resolve("ratings.jsonl");
        JsonLinesFiles.write(sample(), file, json);
        assertThat(JsonLinesFiles.read(file, SCHEMA, json)).isEqualTo(sample());

        Schema s = Schema.of(Column.of("n", ColumnType.LONG), Column.of("name", ColumnType.STRING));
        Files.writeString(file, "{\"n\": 1, \"name\": \"a\", \"other\": [1]}\n\n{\"n\": 2}\n");
        Table t = JsonLinesFiles.read(file, s, json);
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(t.row(1)).containsExactly(2L, null);
        Files.writeString(file, "{\"n\": 1.5, \"name\": \"a\"}\n");
        assertThatThrownBy(() -> JsonLinesFiles.read(file, s, json))
                .hasMessage(file + " line 1 column 'n' must be a whole JSON number (LONG), was '1.5'");
        Files.writeString(file, "{\"n\": 1, \"name\": 7}\n");
        assertThatThrownBy(() -> JsonLinesFiles.read(file, s, json)).hasMessageEndingWith("column 'name' must be a JSON string (STRING), was '7'");
        Files.writeString(file, "{\"n\": 1,\n");
        assertThatThrownBy(() -> JsonLinesFiles.read(file, s, json)).hasMessageStartingWith(file + " line 1: json is not a valid Map");
    }
}
