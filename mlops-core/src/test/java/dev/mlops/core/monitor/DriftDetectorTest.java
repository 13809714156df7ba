package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.DriftTest;
import dev.mlops.api.monitor.FeatureDrift;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Scores against values computed by {@code src/test/resources/drift/reference_values.py}: an
 * independent implementation (exact KS p-values by counting lattice paths with integers, chi-squared
 * survival in closed form, the normal tail by erfc, and the distances from their definitions).
 */
class DriftDetectorTest {
    private static final Schema X = Schema.of(Column.of("x", ColumnType.DOUBLE));
    private static final Schema C = Schema.of(Column.of("c", ColumnType.STRING));

    private static ColumnProfile numbers(int n, IntFunction<Double> value) {
        DatasetProfile.Accumulator acc = DatasetProfile.accumulator(X);
        for (int i = 1; i <= n; i++) {
            acc.addNumbers(value.apply(i));
        }
        return acc.build().column("x");
    }

    private static ColumnProfile categories(long... counts) {
        DatasetProfile.Accumulator acc = DatasetProfile.accumulator(C);
        for (int k = 0; k < counts.length; k++) {
            for (long i = 0; i < counts[k]; i++) {
                acc.addRow((Object) ("v" + k));
            }
        }
        return acc.build().column("c");
    }

    private static ColumnProfile reference() {
        return numbers(40, i -> ((i * 7919) % 1000) / 100.0);
    }

    private static ColumnProfile current() {
        return numbers(50, i -> ((i * 104729) % 1000) / 100.0 * 0.8 + 2.005);
    }

    @Test
    void pValuesMatchTheReferenceImplementationToOneInAMillion() {
        assertThat(DriftDetector.ks(reference(), current())).isCloseTo(0.24663371991148555, within(1e-6));
        assertThat(DriftDetector.chiSquared(categories(30, 50, 15, 5), categories(36, 40, 16, 8)))
                .isCloseTo(0.16698006794420728, within(1e-6));
        assertThat(DriftDetector.chiSquared(categories(300, 500, 200), categories(350, 420, 230)))
                .isCloseTo(2.7151410150922727e-06, within(1e-9));
        assertThat(DriftDetector.zTest(categories(60, 40), categories(45, 55))).isCloseTo(0.033672068856345876, within(1e-6));
    }

    @Test
    void distancesMatchTheirDefinitions() {
        assertThat(DriftDetector.psi(reference(), current())).isCloseTo(1.0110199006128917, within(1e-9));
        assertThat(DriftDetector.jensenShannon(reference(), current())).isCloseTo(0.36008349689260793, within(1e-9));
        assertThat(DriftDetector.wasserstein(reference(), current())).isCloseTo(0.31944601784078142, within(1e-9));
    }

    @Test
    void choosesTestsAsEvidentlyDoes() {
        ColumnProfile small = numbers(1000, i -> (double) i);
        ColumnProfile large = numbers(1001, i -> (double) i);
        ColumnProfile fewNumbers = numbers(5000, i -> (double) (i % 5));
        assertThat(DriftDetector.choose(small, small)).isEqualTo(DriftTest.KS);
        assertThat(DriftDetector.choose(large, large)).isEqualTo(DriftTest.WASSERSTEIN);
        assertThat(DriftDetector.choose(numbers(100, i -> (double) (i % 3)), numbers(100, i -> (double) (i % 3))))
                .isEqualTo(DriftTest.CHI_SQUARED);
        assertThat(DriftDetector.choose(numbers(100, i -> (double) (i % 2)), numbers(100, i -> (double) (i % 2))))
                .isEqualTo(DriftTest.Z_TEST);
        assertThat(DriftDetector.choose(fewNumbers, fewNumbers)).isEqualTo(DriftTest.JENSEN_SHANNON);
        assertThat(DriftDetector.choose(categories(400, 400, 201), categories(1, 1, 1))).isEqualTo(DriftTest.JENSEN_SHANNON);
        assertThat(DriftDetector.choose(categories(10, 10, 10), categories(1, 1, 1))).isEqualTo(DriftTest.CHI_SQUARED);
        assertThat(DriftDetector.choose(categories(10, 10), categories(1, 1))).isEqualTo(DriftTest.Z_TEST);
    }

    @Test
    void findsAShiftedNormalAndNotTheSameOneOnLargeData() {
        Random random = new Random(11);
        ColumnProfile reference = numbers(200_000, i -> random.nextGaussian());
        ColumnProfile same = numbers(200_000, i -> random.nextGaussian());
        ColumnProfile shifted = numbers(200_000, i -> random.nextGaussian() + 0.5);
        // Wasserstein distance between N(0,1) and N(0.5,1) is 0.5, and the reference's std is 1.
        assertThat(DriftDetector.wasserstein(reference, shifted)).isCloseTo(0.5, within(0.03));
        assertThat(DriftDetector.wasserstein(reference, same)).isLessThan(0.03);
        assertThat(DriftDetector.jensenShannon(reference, shifted)).isGreaterThan(0.1);
        assertThat(DriftDetector.jensenShannon(reference, same)).isLessThan(0.05);
        assertThat(DriftDetector.psi(reference, same)).isLessThan(0.01);
        // PSI of N(0,1) against N(0.5,1) is 0.25 in the limit of fine bins; Sturges bins come close.
        assertThat(DriftDetector.psi(reference, shifted)).isCloseTo(0.25, within(0.03));
    }

    @Test
    void reportsEveryFeatureAndTheDatasetVerdictWithOverrides() {
        Schema schema = Schema.of(Column.of("a", ColumnType.DOUBLE), Column.of("b", ColumnType.DOUBLE),
                Column.of("genre", ColumnType.STRING));
        Random random = new Random(3);
        Table.Builder ref = Table.builder(schema);
        Table.Builder cur = Table.builder(schema);
        String[] genres = {"drama", "comedy", "action"};
        for (int i = 0; i < 800; i++) {
            ref.addRow(random.nextGaussian(), random.nextGaussian(), genres[i % 3]);
            cur.addRow(random.nextGaussian() + 1, random.nextGaussian(), genres[i % 3]);
        }
        DriftReport report = DriftDetector.defaults().report(ref.build(), cur.build());
        assertThat(report.features()).extracting(FeatureDrift::feature).containsExactly("a", "b", "genre");
        assertThat(report.feature("a").orElseThrow().test()).isEqualTo(DriftTest.KS);
        assertThat(report.feature("a").orElseThrow().drifted()).isTrue();
        assertThat(report.feature("b").orElseThrow().drifted()).isFalse();
        assertThat(report.feature("genre").orElseThrow()).satisfies(g -> {
            assertThat(g.test()).isEqualTo(DriftTest.CHI_SQUARED);
            assertThat(g.score()).isEqualTo(1.0);
        });
        assertThat(report.driftedShare()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(report.datasetDrift()).isFalse();

        DriftReport strict = DriftDetector.builder().shareThreshold(0.3).test("b", DriftTest.PSI).threshold("b", 0.5).build()
                .report(DatasetProfile.of(ref.build()), DatasetProfile.of(cur.build()));
        assertThat(strict.datasetDrift()).isTrue();
        assertThat(strict.feature("b").orElseThrow().test()).isEqualTo(DriftTest.PSI);
        assertThat(strict.feature("b").orElseThrow().threshold()).isEqualTo(0.5);
    }

    @Test
    void refusesOverridesAndProfilesThatDoNotFit() {
        assertThatThrownBy(() -> DriftDetector.builder().shareThreshold(0)).isInstanceOf(ValidationException.class)
                .hasMessage("shareThreshold must be in (0, 1], was '0.0'");
        assertThatThrownBy(() -> DriftDetector.builder().threshold("a", -1)).hasMessage("threshold of a must be a positive number, was '-1.0'");
        assertThatThrownBy(() -> DriftDetector.builder().test("a", DriftTest.KS).threshold("a", 2).build())
                .hasMessage("threshold of a must be below 1 for the p-value of KS, was '2.0'");
        DatasetProfile genres = DatasetProfile.of(Table.builder(C).addRow("x").build());
        assertThatThrownBy(() -> DriftDetector.builder().test("c", DriftTest.KS).build().report(genres, genres))
                .hasMessage("drift test of c must suit a categorical column (not KS), was 'KS'");
        DatasetProfile numbers = DatasetProfile.of(Table.builder(X).addRow(1.0).build());
        assertThatThrownBy(() -> DriftDetector.defaults().report(numbers, genres))
                .hasMessage("current profile must have the reference column x, was '[c]'");
    }

    @Test
    void aFeatureWithoutValuesOnOneSideDoesNotDrift() {
        DatasetProfile empty = DatasetProfile.accumulator(X).build();
        DriftReport report = DriftDetector.defaults().report(DatasetProfile.of(Table.builder(X).addRow(1.0).build()), empty);
        assertThat(report.feature("x").orElseThrow().drifted()).isFalse();
        assertThat(report.feature("x").orElseThrow().score()).isNaN();
    }
}
