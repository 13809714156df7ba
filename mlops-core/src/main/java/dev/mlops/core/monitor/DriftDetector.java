package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Table;
import dev.mlops.api.monitor.DriftReport;
import dev.mlops.api.monitor.DriftTest;
import dev.mlops.api.monitor.FeatureDrift;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * Compares current data with a reference, feature by feature, choosing each feature's test as
 * Evidently does unless told otherwise. With a reference of at most 1,000 values, numeric features
 * with more than 5 distinct values get the Kolmogorov–Smirnov test, others chi-squared (more than 2
 * categories) or the two-proportion Z-test, each drifting when p &lt; 0.05. With a larger reference,
 * numeric features with more than 5 distinct values get the Wasserstein distance divided by
 * max(reference standard deviation, 0.001), others the Jensen–Shannon distance (base 2), each
 * drifting at 0.1 or more. The dataset drifts when at least half its features drift.
 *
 * <p>Tests read {@link DatasetProfile}s: KS runs on the profiles' samples (every value while a side
 * holds at most 4,096, exact p-values while n·m ≤ 10,000,000); distances run on the exact
 * distribution while the sample holds every value and on the quantile sketch after that.
 *
 * <pre>{@code
 * DriftDetector drift = DriftDetector.builder()
 *         .test("genre", DriftTest.PSI)                 // override the test...
 *         .threshold("avg_rating", 0.2)                 // ...or only its threshold
 *         .shareThreshold(0.3)
 *         .build();
 * DriftReport report = drift.report(trainingProfile, DatasetProfile.of(lastHour));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DriftDetector {
    private static final int SMALL_REFERENCE = 1000;
    private static final int FEW_VALUES = 5;
    private static final int PSI_CATEGORY_LIMIT = 20;
    private static final int JS_BINS = 30;
    private static final double EMPTY_SHARE = 0.0001;
    private static final long EXACT_KS_LIMIT = 10_000_000L;

    private final Map<String, DriftTest> tests;
    private final Map<String, Double> thresholds;
    private final double shareThreshold;
    private final Clock clock;

    private DriftDetector(Builder b) {
        this.tests = Map.copyOf(b.tests);
        this.thresholds = Map.copyOf(b.thresholds);
        this.shareThreshold = b.shareThreshold;
        this.clock = b.clock;
    }

    /**
     * A detector with Evidently's defaults for every feature.
     *
     * @return the detector
     */
    public static DriftDetector defaults() {
        return builder().build();
    }

    /**
     * Starts a detector with per-feature overrides.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Profiles both tables and compares them.
     *
     * @param reference the reference data
     * @param current the current data, with the reference's columns
     * @return the report
     */
    public DriftReport report(Table reference, Table current) {
        return report(DatasetProfile.of(Checks.notNull("reference", reference)),
                DatasetProfile.of(Checks.notNull("current", current)));
    }

    /**
     * Compares every column of the reference with the same column of the current profile.
     *
     * @param reference the reference profile
     * @param current the current profile, with the reference's columns
     * @return the report
     * @throws ValidationException if a column is missing or an override does not fit its column
     */
    public DriftReport report(DatasetProfile reference, DatasetProfile current) {
        Checks.notNull("reference", reference);
        Checks.notNull("current", current);
        for (String name : reference.columns().keySet()) {
            if (!current.columns().containsKey(name)) {
                throw new ValidationException("current profile", "have the reference column " + name,
                        current.columns().keySet());
            }
        }
        List<FeatureDrift> features = new ArrayList<>();
        reference.columns().forEach((name, ref) -> features.add(feature(ref, current.column(name))));
        long drifted = features.stream().filter(FeatureDrift::drifted).count();
        double share = features.isEmpty() ? 0 : (double) drifted / features.size();
        return new DriftReport(clock.instant(), features, share, shareThreshold, !features.isEmpty() && share >= shareThreshold);
    }

    /** One feature's verdict; without values on either side it cannot drift and scores NaN. */
    FeatureDrift feature(ColumnProfile ref, ColumnProfile cur) {
        String name = ref.name();
        if (ref.kind() != cur.kind()) {
            throw new ValidationException("current column " + name, "be " + ref.kind() + " as in the reference", cur.kind());
        }
        DriftTest test = tests.getOrDefault(name, choose(ref, cur));
        double threshold = thresholds.getOrDefault(name, test.threshold());
        if (ref.count() == 0 || cur.count() == 0) {
            return new FeatureDrift(name, test, Double.NaN, threshold, false, ref.count(), cur.count());
        }
        double score = switch (test) {
            case KS -> ks(ref, cur);
            case CHI_SQUARED -> chiSquared(ref, cur);
            case Z_TEST -> zTest(ref, cur);
            case PSI -> psi(ref, cur);
            case JENSEN_SHANNON -> jensenShannon(ref, cur);
            case WASSERSTEIN -> wasserstein(ref, cur);
        };
        return new FeatureDrift(name, test, score, threshold, test.drifted(score, threshold), ref.count(), cur.count());
    }

    /** Evidently's default test for a column. */
    static DriftTest choose(ColumnProfile ref, ColumnProfile cur) {
        boolean numeric = ref.kind() == ColumnProfile.Kind.NUMERIC;
        int distinct = distinct(ref, cur);
        if (ref.count() <= SMALL_REFERENCE) {
            if (numeric && distinct > FEW_VALUES) {
                return DriftTest.KS;
            }
            return distinct > 2 ? DriftTest.CHI_SQUARED : DriftTest.Z_TEST;
        }
        return numeric && distinct > FEW_VALUES ? DriftTest.WASSERSTEIN : DriftTest.JENSEN_SHANNON;
    }

    /** Distinct values of both together, or {@link Integer#MAX_VALUE} when either has too many to count. */
    private static int distinct(ColumnProfile ref, ColumnProfile cur) {
        TreeMap<String, Long> a = ref.exactCounts();
        TreeMap<String, Long> b = cur.exactCounts();
        if (a == null || b == null) {
            return Integer.MAX_VALUE;
        }
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys.size();
    }

    private static void requireNumeric(ColumnProfile ref, DriftTest test) {
        if (ref.kind() != ColumnProfile.Kind.NUMERIC) {
            throw new ValidationException("drift test of " + ref.name(), "suit a categorical column (not " + test + ")", test);
        }
    }

    static double ks(ColumnProfile ref, ColumnProfile cur) {
        requireNumeric(ref, DriftTest.KS);
        double[] x = ref.sampleValues();
        double[] y = cur.sampleValues();
        PValueMethod method = (long) x.length * y.length <= EXACT_KS_LIMIT ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC;
        return KolmogorovSmirnovTest.withDefaults().with(method).test(x, y).getPValue();
    }

    /** Counts of both sides over the union of their values, in value order. */
    private static long[][] counts(ColumnProfile ref, ColumnProfile cur, DriftTest test) {
        Map<String, Long> a = ref.kind() == ColumnProfile.Kind.CATEGORICAL ? ref.categoryCounts() : ref.exactCounts();
        Map<String, Long> b = cur.kind() == ColumnProfile.Kind.CATEGORICAL ? cur.categoryCounts() : cur.exactCounts();
        if (a == null || b == null) {
            throw new ValidationException("drift test of " + ref.name(), "have at most "
                    + ColumnProfile.NUMERIC_DISTINCT_LIMIT + " distinct numbers for " + test, "more");
        }
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        long[][] counts = new long[2][keys.size()];
        int i = 0;
        for (String key : keys) {
            counts[0][i] = a.getOrDefault(key, 0L);
            counts[1][i++] = b.getOrDefault(key, 0L);
        }
        return counts;
    }

    static double chiSquared(ColumnProfile ref, ColumnProfile cur) {
        long[][] counts = counts(ref, cur, DriftTest.CHI_SQUARED);
        if (counts[0].length < 2) {
            return 1;
        }
        double refTotal = 0;
        double curTotal = 0;
        for (int i = 0; i < counts[0].length; i++) {
            refTotal += counts[0][i];
            curTotal += counts[1][i];
        }
        double[] expected = new double[counts[0].length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = counts[0][i] * curTotal / refTotal;
            if (expected[i] == 0) {
                return 0; // a value the reference never had: an infinite statistic
            }
        }
        return ChiSquareTest.withDefaults().test(expected, counts[1]).getPValue();
    }

    static double zTest(ColumnProfile ref, ColumnProfile cur) {
        long[][] counts = counts(ref, cur, DriftTest.Z_TEST);
        if (counts[0].length > 2) {
            throw new ValidationException("drift test of " + ref.name(), "see at most 2 distinct values for Z_TEST",
                    counts[0].length + " values");
        }
        if (counts[0].length < 2) {
            return 1;
        }
        double n1 = counts[0][0] + counts[0][1];
        double n2 = counts[1][0] + counts[1][1];
        double p1 = counts[0][0] / n1;
        double p2 = counts[1][0] / n2;
        double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
        return 2 * NormalDistribution.of(0, 1).survivalProbability(Math.abs(z));
    }

    static double psi(ColumnProfile ref, ColumnProfile cur) {
        double[][] shares = ref.kind() == ColumnProfile.Kind.CATEGORICAL || distinct(ref, cur) <= PSI_CATEGORY_LIMIT
                ? categoryShares(ref, cur, DriftTest.PSI)
                : binShares(ref, cur, 1 + (int) Math.ceil(Math.log((double) ref.count() + cur.count()) / Math.log(2)));
        double psi = 0;
        for (int i = 0; i < shares[0].length; i++) {
            double r = Math.max(shares[0][i], EMPTY_SHARE);
            double c = Math.max(shares[1][i], EMPTY_SHARE);
            psi += (r - c) * Math.log(r / c);
        }
        return psi;
    }

    static double jensenShannon(ColumnProfile ref, ColumnProfile cur) {
        double[][] shares = ref.kind() == ColumnProfile.Kind.CATEGORICAL || distinct(ref, cur) <= FEW_VALUES
                ? categoryShares(ref, cur, DriftTest.JENSEN_SHANNON)
                : binShares(ref, cur, JS_BINS);
        double[] p = normalized(shares[0]);
        double[] q = normalized(shares[1]);
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            divergence += p[i] * Math.log(p[i] / m) + q[i] * Math.log(q[i] / m);
        }
        return Math.sqrt(Math.max(0, divergence / 2 / Math.log(2)));
    }

    private static double[] normalized(double[] shares) {
        double total = 0;
        double[] filled = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            filled[i] = Math.max(shares[i], EMPTY_SHARE);
            total += filled[i];
        }
        for (int i = 0; i < filled.length; i++) {
            filled[i] /= total;
        }
        return filled;
    }

    static double wasserstein(ColumnProfile ref, ColumnProfile cur) {
        requireNumeric(ref, DriftTest.WASSERSTEIN);
        ColumnProfile.Cdf a = ref.cdf();
        ColumnProfile.Cdf b = cur.cdf();
        double[] points = union(a.values(), b.values());
        double distance = 0;
        for (int i = 0; i + 1 < points.length; i++) {
            distance += Math.abs(a.at(points[i]) - b.at(points[i])) * (points[i + 1] - points[i]);
        }
        return distance / Math.max(ref.populationStd(), 0.001);
    }

    private static double[] union(double[] a, double[] b) {
        double[] all = new double[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            double next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (n == 0 || all[n - 1] != next) {
                all[n++] = next;
            }
        }
        return Arrays.copyOf(all, n);
    }

    /** Shares of each value of the union, in value order. */
    private static double[][] categoryShares(ColumnProfile ref, ColumnProfile cur, DriftTest test) {
        long[][] counts = counts(ref, cur, test);
        double[][] shares = new double[2][counts[0].length];
        for (int side = 0; side < 2; side++) {
            double total = 0;
            for (long c : counts[side]) {
                total += c;
            }
            for (int i = 0; i < counts[side].length; i++) {
                shares[side][i] = counts[side][i] / total;
            }
        }
        return shares;
    }

    /** Shares in equal-width bins over the range of both. */
    private static double[][] binShares(ColumnProfile ref, ColumnProfile cur, int bins) {
        double low = Math.min(ref.min(), cur.min());
        double high = Math.max(ref.max(), cur.max());
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = low + (high - low) * i / bins;
        }
        return new double[][] {ref.cdf().masses(edges), cur.cdf().masses(edges)};
    }

    /**
     * Builds a {@link DriftDetector}.
     */
    public static final class Builder {
        private final Map<String, DriftTest> tests = new LinkedHashMap<>();
        private final Map<String, Double> thresholds = new LinkedHashMap<>();
        private double shareThreshold = 0.5;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Uses a test for a feature instead of the default choice.
         *
         * @param feature the feature
         * @param test the test
         * @return this builder
         */
        public Builder test(String feature, DriftTest test) {
            tests.put(Checks.text("feature", feature, 200), Checks.notNull("test of " + feature, test));
            return this;
        }

        /**
         * Holds a feature's test to another threshold: a p-value in (0, 1) or a positive distance.
         *
         * @param feature the feature
         * @param threshold the threshold
         * @return this builder
         */
        public Builder threshold(String feature, double threshold) {
            if (!(threshold > 0 && Double.isFinite(threshold))) {
                throw new ValidationException("threshold of " + feature, "be a positive number", threshold);
            }
            thresholds.put(Checks.text("feature", feature, 200), threshold);
            return this;
        }

        /**
         * The share of drifted features at which the dataset drifts.
         *
         * @param share in (0, 1]; 0.5 by default
         * @return this builder
         */
        public Builder shareThreshold(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new ValidationException("shareThreshold", "be in (0, 1]", share);
            }
            this.shareThreshold = share;
            return this;
        }

        /**
         * The clock that dates reports.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Checks.notNull("clock", clock);
            return this;
        }

        /**
         * Builds the detector.
         *
         * @return the detector
         */
        public DriftDetector build() {
            thresholds.forEach((feature, t) -> {
                DriftTest test = tests.get(feature);
                if (test != null && test.pValue() && t >= 1) {
                    throw new ValidationException("threshold of " + feature, "be below 1 for the p-value of " + test, t);
                }
            });
            return new DriftDetector(this);
        }
    }
}
