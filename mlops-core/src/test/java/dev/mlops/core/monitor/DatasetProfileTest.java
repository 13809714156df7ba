package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatasetProfileTest {
    private static final Schema SCHEMA = Schema.of(Column.of("rating", ColumnType.DOUBLE), Column.of("votes", ColumnType.LONG),
            Column.of("genre", ColumnType.STRING), Column.of("adult", ColumnType.BOOLEAN));

    private static Table rows(int from, int to, Random random) {
        Table.Builder b = Table.builder(SCHEMA);
        String[] genres = {"drama", "comedy", "action", "horror"};
        for (int i = from; i < to; i++) {
            b.addRow(i % 97 == 0 ? null : random.nextGaussian() * 2 + 5, (long) (i % 7), genres[i % 4 == 3 ? i % 2 : i % 4],
                    i % 10 == 0);
        }
        return b.build();
    }

    @Test
    void profilesEachColumnInOnePass() {
        DatasetProfile p = DatasetProfile.of(rows(0, 10_000, new Random(1)));
        assertThat(p.rows()).isEqualTo(10_000);
        ColumnProfile rating = p.column("rating");
        assertThat(rating.kind()).isEqualTo(ColumnProfile.Kind.NUMERIC);
        assertThat(rating.missing()).isEqualTo(104);
        assertThat(rating.count()).isEqualTo(9_896);
        assertThat(rating.mean()).isCloseTo(5, within(0.1));
        assertThat(rating.variance()).isCloseTo(4, within(0.2));
        assertThat(rating.quantile(0.5)).isCloseTo(5, within(0.1));
        assertThat(rating.min()).isLessThan(rating.quantile(0.01));
        assertThat(rating.distinctCount()).isEmpty();
        long[] histogram = rating.histogram(10);
        assertThat(histogram).hasSize(10);
        assertThat(java.util.Arrays.stream(histogram).sum()).isEqualTo(9_896);

        ColumnProfile votes = p.column("votes");
        assertThat(votes.distinctCount()).hasValue(7);
        assertThat(votes.topValues(1).get(0).count()).isEqualTo(1_429);
        ColumnProfile genre = p.column("genre");
        assertThat(genre.kind()).isEqualTo(ColumnProfile.Kind.CATEGORICAL);
        assertThat(genre.topValues(10)).extracting(ColumnProfile.ValueCount::value).containsExactly("comedy", "action", "drama");
        assertThat(genre.mean()).isNaN();
        assertThat(p.column("adult").topValues(2)).containsExactly(new ColumnProfile.ValueCount("false", 9_000),
                new ColumnProfile.ValueCount("true", 1_000));
    }

    @Test
    void mergedInAnyOrderProfilesTheWholeWithinTheSketchBounds() {
        Table a = rows(0, 30_000, new Random(2));
        Table b = rows(30_000, 50_000, new Random(3));
        Table c = rows(50_000, 90_000, new Random(4));
        Table.Builder all = Table.builder(SCHEMA);
        for (Table t : List.of(a, b, c)) {
            for (int r = 0; r < t.rowCount(); r++) {
                all.addRow(t.row(r).toArray());
            }
        }
        DatasetProfile whole = DatasetProfile.of(all.build());
        DatasetProfile pa = DatasetProfile.of(a);
        DatasetProfile pb = DatasetProfile.of(b);
        DatasetProfile pc = DatasetProfile.of(c);
        for (DatasetProfile merged : List.of(pa.merge(pb).merge(pc), pc.merge(pb.merge(pa)), pb.merge(pc).merge(pa))) {
            assertThat(merged.rows()).isEqualTo(whole.rows());
            ColumnProfile m = merged.column("rating");
            ColumnProfile w = whole.column("rating");
            assertThat(m.count()).isEqualTo(w.count());
            assertThat(m.missing()).isEqualTo(w.missing());
            assertThat(m.mean()).isCloseTo(w.mean(), within(1e-12));
            assertThat(m.variance()).isCloseTo(w.variance(), within(1e-9));
            assertThat(m.min()).isEqualTo(w.min());
            assertThat(m.max()).isEqualTo(w.max());
            double bound = 2 * (m.rankError() + w.rankError()) + 1e-9;
            for (double q : new double[] {0.01, 0.25, 0.5, 0.75, 0.99}) {
                double value = m.quantile(q);
                assertThat(w.cdf().at(value)).as("rank of the merged p%s", q).isCloseTo(q, within(bound));
            }
            assertThat(merged.column("genre").topValues(3)).isEqualTo(whole.column("genre").topValues(3));
            assertThat(merged.column("votes").topValues(7)).isEqualTo(whole.column("votes").topValues(7));
        }
    }

    @Test
    void survivesSerializationUnchanged() {
        DatasetProfile p = DatasetProfile.of(rows(0, 20_000, new Random(5)));
        DatasetProfile back = DatasetProfile.fromBytes(p.toBytes());
        assertThat(back.rows()).isEqualTo(p.rows());
        for (String name : p.columns().keySet()) {
            ColumnProfile a = p.column(name);
            ColumnProfile b = back.column(name);
            assertThat(b.count()).isEqualTo(a.count());
            assertThat(b.missing()).isEqualTo(a.missing());
            assertThat(b.topValues(10)).isEqualTo(a.topValues(10));
            if (a.kind() == ColumnProfile.Kind.NUMERIC) {
                assertThat(b.mean()).isEqualTo(a.mean());
                assertThat(b.quantile(0.9)).isEqualTo(a.quantile(0.9));
                assertThat(b.sampleValues()).containsExactly(a.sampleValues());
            }
        }
        assertThat(DriftDetector.defaults().report(p, back).drifted()).isEmpty();
    }

    @Test
    void manyCategoriesMoveToTheFrequentItemsSketch() {
        DatasetProfile.Accumulator acc = DatasetProfile.accumulator(Schema.of(Column.of("user", ColumnType.STRING)));
        for (int i = 0; i < 50_000; i++) {
            acc.addRow((Object) (i % 10 == 0 ? "heavy" : "user-" + i));
        }
        ColumnProfile users = acc.build().column("user");
        assertThat(users.distinctCount()).isEmpty();
        assertThat(users.topValues(1).get(0).value()).isEqualTo("heavy");
        assertThat(users.topValues(1).get(0).count()).isBetween(5_000L, 5_100L);
    }

    @Test
    void refusesRowsAndProfilesThatDoNotFitAndAddsNothing() {
        DatasetProfile.Accumulator acc = DatasetProfile.accumulator(SCHEMA);
        assertThatThrownBy(() -> acc.addRow(1.0, 2L, "drama")).isInstanceOf(ValidationException.class)
                .hasMessage("row must hold 4 values [rating, votes, genre, adult], was '3 values'");
        assertThatThrownBy(() -> acc.addRow(1.0, "many", "drama", true))
                .hasMessage("row[1] (votes) must be a number, was 'many'");
        assertThatThrownBy(() -> acc.addNumbers(1, 2, 3, 4)).hasMessage("row[2] must be text for categorical column genre, was '3.0'");
        assertThat(acc.rows()).isZero();
        DatasetProfile empty = acc.build();
        assertThat(empty.column("rating").count()).isZero();
        assertThatThrownBy(() -> acc.addRow(1.0, 2L, "x", true)).hasMessage("accumulator must not be used after build(), was 'built'");
        assertThatThrownBy(() -> empty.column("nope")).hasMessage("column must be one of [rating, votes, genre, adult], was 'nope'");
        DatasetProfile other = DatasetProfile.of(Table.builder(Schema.of(Column.of("x", ColumnType.DOUBLE))).build());
        assertThatThrownBy(() -> empty.merge(other)).hasMessage("profile columns must be [rating, votes, genre, adult] to merge,"
                + " was '[x]'");
        assertThatThrownBy(() -> DatasetProfile.fromBytes("{\"format\":\"other\",\"rows\":0,\"columns\":[]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("profile format must be mlops-profile/1, was 'other'");
        assertThatThrownBy(() -> DatasetProfile.fromBytes("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("profile must be JSON written by");
        assertThatThrownBy(() -> empty.column("rating").quantile(1.5)).hasMessage("rank must be in [0, 1], was '1.5'");
    }
}
