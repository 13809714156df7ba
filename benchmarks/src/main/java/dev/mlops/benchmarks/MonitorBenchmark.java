package dev.mlops.benchmarks;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.core.monitor.DatasetProfile;
import dev.mlops.core.monitor.DriftDetector;
import dev.mlops.core.monitor.ModelMonitor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Monitoring costs on 1,000,000 rows × 20 numeric columns: profiling them (against one bare pass of
 * count, sum, min and max per column), a drift report of 20 features on two such profiles (against
 * the exact Wasserstein distances from the sorted raw columns, as a tool working on raw data must
 * compute them), and what a monitor adds to each prediction on the serving path, including its
 * background work (1,000 records, then waiting until the monitor has taken them in; windows of
 * 10,000 rows are tested as they close).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class MonitorBenchmark {
    static final int ROWS = 1_000_000;
    static final int COLUMNS = 20;

    /** Two tables of 1,000,000 × 20 Gaussian columns, the second shifted, and their profiles. */
    @State(Scope.Benchmark)
    public static class Data {
        Table reference;
        Table current;
        DatasetProfile referenceProfile;
        DatasetProfile currentProfile;

        /** Makes the tables and profiles. */
        @Setup(Level.Trial)
        public void setUp() {
            reference = table(1, 0);
            current = table(2, 0.1);
            referenceProfile = DatasetProfile.of(reference);
            currentProfile = DatasetProfile.of(current);
        }

        private static Table table(long seed, double shift) {
            List<Column> columns = new ArrayList<>();
            for (int c = 0; c < COLUMNS; c++) {
                columns.add(Column.of("f" + c, ColumnType.DOUBLE));
            }
            Table.Builder rows = Table.builder(Schema.of(columns), ROWS);
            Random random = new Random(seed);
            Object[] row = new Object[COLUMNS];
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLUMNS; c++) {
                    row[c] = random.nextGaussian() + shift * c;
                }
                rows.addRow(row);
            }
            return rows.build();
        }
    }

    /** Profiles every column (in parallel, as {@link DatasetProfile#of} does). */
    @Benchmark
    public DatasetProfile profile(Data d) {
        return DatasetProfile.of(d.reference);
    }

    /** Baseline: one bare pass per column (count, sum, min, max), columns in parallel too. */
    @Benchmark
    public List<DoubleSummaryStatistics> profileBaselineSummary(Data d) {
        return IntStream.range(0, COLUMNS).parallel().mapToObj(c -> {
            DoubleSummaryStatistics s = new DoubleSummaryStatistics();
            for (int r = 0; r < ROWS; r++) {
                if (!d.reference.isNull(r, c)) {
                    s.accept(d.reference.doubleAt(r, c));
                }
            }
            return s;
        }).toList();
    }

    /** A drift report of 20 features from the two profiles (Wasserstein on the quantile sketches). */
    @Benchmark
    public DriftReport driftReport(Data d) {
        return DriftDetector.defaults().report(d.referenceProfile, d.currentProfile);
    }

    /** Baseline: exact Wasserstein distances of the 20 raw column pairs, sorting them first. */
    @Benchmark
    public double[] driftBaselineExactWasserstein(Data d) {
        return IntStream.range(0, COLUMNS).parallel().mapToDouble(c -> {
            double[] a = column(d.reference, c);
            double[] b = column(d.current, c);
            Arrays.sort(a);
            Arrays.sort(b);
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                sum += Math.abs(a[i] - b[i]);
            }
            return sum / a.length;
        }).toArray();
    }

    private static double[] column(Table t, int c) {
        double[] values = new double[t.rowCount()];
        for (int r = 0; r < values.length; r++) {
            values[r] = t.doubleAt(r, c);
        }
        return values;
    }

    /** A monitor of 20 features with a window of 10,000 rows, and rows to record. */
    @State(Scope.Benchmark)
    public static class Watched {
        ModelMonitor monitor;
        float[][] rows = new float[1024][COLUMNS];

        /** Starts the monitor on a reference profile of 100,000 rows. */
        @Setup(Level.Trial)
        public void setUp() {
            List<Column> columns = new ArrayList<>();
            String[] names = new String[COLUMNS];
            for (int c = 0; c < COLUMNS; c++) {
                names[c] = "f" + c;
                columns.add(Column.of(names[c], ColumnType.DOUBLE));
            }
            DatasetProfile.Accumulator reference = DatasetProfile.accumulator(Schema.of(columns));
            Random random = new Random(3);
            double[] row = new double[COLUMNS];
            for (int r = 0; r < 100_000; r++) {
                Arrays.setAll(row, c -> random.nextGaussian());
                reference.addNumbers(row);
            }
            for (float[] r : rows) {
                for (int c = 0; c < COLUMNS; c++) {
                    r[c] = (float) random.nextGaussian();
                }
            }
            monitor = ModelMonitor.builder("bench").features(names).reference(reference.build()).windowSize(10_000).build();
        }

        /** Stops it. */
        @TearDown(Level.Trial)
        public void tearDown() {
            monitor.close();
        }
    }

    /** 1,000 predictions recorded, then the monitor's background work on them; one op is one prediction. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @OperationsPerInvocation(1000)
    public void monitorRecord(Watched w) {
        for (int i = 0; i < 1000; i++) {
            w.monitor.record(null, w.rows[i & 1023], 0.5f);
        }
        while (w.monitor.backlog() > 0) {
            Thread.onSpinWait();
        }
    }
}
