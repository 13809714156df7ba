package dev.mlops.core.monitor;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.sampling.ReservoirLongsSketch;
import org.apache.datasketches.sampling.ReservoirLongsUnion;

/**
 * The profile of one column, built in one pass and mergeable: counts of values and of missing ones
 * (null, NaN and infinities), and for numbers the mean and variance, min and max, a KLL quantile
 * sketch (k = 2,000: ranks within 0.14 %), a uniform sample of up to 4,096 values (all of them while there are no more) and exact
 * counts while there are at most 64 distinct values; for categories exact counts of up to 1,000
 * distinct values, then a frequent-items sketch. Read it from a {@link DatasetProfile}.
 *
 * <pre>{@code
 * ColumnProfile rating = DatasetProfile.of(table).column("rating");
 * rating.mean(); rating.quantile(0.95); rating.histogram(10); rating.topValues(5);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ColumnProfile {
    /** How a column is profiled and tested. */
    public enum Kind {
        /** Numbers: {@code DOUBLE}, {@code LONG}, {@code TIMESTAMP} (epoch µs), {@code DATE} (epoch day). */
        NUMERIC,
        /** Categories: {@code STRING} and {@code BOOLEAN}. */
        CATEGORICAL
    }

    /**
     * A value and how often it occurs (an estimate once a categorical column has more than 1,000
     * distinct values).
     *
     * @param value the value, as text
     * @param count its occurrences
     */
    public record ValueCount(String value, long count) {
    }

    static final int QUANTILE_K = 2000;
    static final int SAMPLE_SIZE = 4096;
    static final int NUMERIC_DISTINCT_LIMIT = 64;
    static final int CATEGORY_LIMIT = 1000;
    private static final int FREQUENT_MAP_SIZE = 2048;
    private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

    private final String name;
    private final Kind kind;
    long count;
    long missing;
    double mean;
    double m2;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    @Nullable KllDoublesSketch quantiles;
    @Nullable ReservoirLongsSketch sample;
    /** Distinct numbers in insertion order with their counts; null once there are more than the limit. */
    double @Nullable [] distinct;
    long @Nullable [] distinctCounts;
    int distinctSize;
    /** Exact category counts; null once there are more than the limit, then {@link #frequent} counts. */
    @Nullable Map<String, long[]> categories;
    @Nullable ItemsSketch<String> frequent;

    ColumnProfile(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
        if (kind == Kind.NUMERIC) {
            quantiles = KllDoublesSketch.newHeapInstance(QUANTILE_K);
            sample = ReservoirLongsSketch.newInstance(SAMPLE_SIZE);
            distinct = new double[NUMERIC_DISTINCT_LIMIT];
            distinctCounts = new long[NUMERIC_DISTINCT_LIMIT];
        } else {
            categories = new HashMap<>();
        }
    }

    /** Adds a number; NaN and infinities count as missing. */
    void add(double v) {
        if (!Double.isFinite(v)) {
            missing++;
            return;
        }
        count++;
        double delta = v - mean;
        mean += delta / count;
        m2 += delta * (v - mean);
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        quantiles.update(v);
        sample.update(Double.doubleToLongBits(v));
        if (distinct != null) {
            countDistinct(v, 1);
        }
    }

    private void countDistinct(double v, long times) {
        for (int i = 0; i < distinctSize; i++) {
            if (distinct[i] == v) {
                distinctCounts[i] += times;
                return;
            }
        }
        if (distinctSize == NUMERIC_DISTINCT_LIMIT) {
            distinct = null;
            distinctCounts = null;
            return;
        }
        distinct[distinctSize] = v;
        distinctCounts[distinctSize++] = times;
    }

    /** Adds a category. */
    void add(String v) {
        count++;
        addCategory(v, 1);
    }

    private void addCategory(String v, long times) {
        if (categories != null) {
            categories.computeIfAbsent(v, k -> new long[1])[0] += times;
            if (categories.size() > CATEGORY_LIMIT) {
                frequent = new ItemsSketch<>(FREQUENT_MAP_SIZE);
                categories.forEach((value, n) -> frequent.update(value, n[0]));
                categories = null;
            }
        } else {
            frequent.update(v, times);
        }
    }

    void addMissing() {
        missing++;
    }

    /** A new profile holding both; neither is changed. */
    ColumnProfile merge(ColumnProfile other) {
        if (kind != other.kind || !name.equals(other.name)) {
            throw new ValidationException("profile column " + other.name, "be the " + kind + " column " + name
                    + " to merge", other.kind + " " + other.name);
        }
        ColumnProfile m = new ColumnProfile(name, kind);
        m.count = count + other.count;
        m.missing = missing + other.missing;
        if (kind == Kind.NUMERIC) {
            if (m.count > 0) {
                double delta = other.mean - mean;
                m.mean = mean + delta * other.count / m.count;
                m.m2 = m2 + other.m2 + delta * delta * ((double) count * other.count / m.count);
            }
            m.min = Math.min(min, other.min);
            m.max = Math.max(max, other.max);
            m.quantiles.merge(quantiles);
            m.quantiles.merge(other.quantiles);
            ReservoirLongsUnion union = ReservoirLongsUnion.newInstance(SAMPLE_SIZE);
            union.update(sample);
            union.update(other.sample);
            m.sample = union.getResult();
            for (ColumnProfile p : List.of(this, other)) {
                for (int i = 0; m.distinct != null && p.distinct != null && i < p.distinctSize; i++) {
                    m.countDistinct(p.distinct[i], p.distinctCounts[i]);
                }
                if (p.distinct == null) {
                    m.distinct = null;
                    m.distinctCounts = null;
                }
            }
        } else {
            for (ColumnProfile p : List.of(this, other)) {
                if (p.categories != null) {
                    p.categories.forEach((v, n) -> m.addCategory(v, n[0]));
                } else {
                    if (m.categories != null) {
                        m.frequent = new ItemsSketch<>(FREQUENT_MAP_SIZE);
                        m.categories.forEach((value, n) -> m.frequent.update(value, n[0]));
                        m.categories = null;
                    }
                    m.frequent.merge(p.frequent);
                }
            }
        }
        return m;
    }

    /**
     * The column's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * How the column is profiled.
     *
     * @return numeric or categorical
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Values counted, without the missing ones.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * Missing values: nulls, and for numbers NaN and infinities.
     *
     * @return the count
     */
    public long missing() {
        return missing;
    }

    /**
     * The mean of a numeric column.
     *
     * @return the mean; NaN when there are no values or the column is categorical
     */
    public double mean() {
        return kind == Kind.NUMERIC && count > 0 ? mean : Double.NaN;
    }

    /**
     * The sample variance (n − 1) of a numeric column.
     *
     * @return the variance; NaN with fewer than two values or for categories
     */
    public double variance() {
        return kind == Kind.NUMERIC && count > 1 ? m2 / (count - 1) : Double.NaN;
    }

    /**
     * The population standard deviation (n), as drift tests normalize by it.
     *
     * @return the standard deviation; NaN without values or for categories
     */
    public double populationStd() {
        return kind == Kind.NUMERIC && count > 0 ? Math.sqrt(m2 / count) : Double.NaN;
    }

    /**
     * The smallest number.
     *
     * @return the minimum; NaN without values or for categories
     */
    public double min() {
        return kind == Kind.NUMERIC && count > 0 ? min : Double.NaN;
    }

    /**
     * The largest number.
     *
     * @return the maximum; NaN without values or for categories
     */
    public double max() {
        return kind == Kind.NUMERIC && count > 0 ? max : Double.NaN;
    }

    /**
     * A quantile of a numeric column, within the sketch's rank error ({@link #rankError()}).
     *
     * @param rank in [0, 1]
     * @return the quantile; NaN without values or for categories
     */
    public double quantile(double rank) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new ValidationException("rank", "be in [0, 1]", rank);
        }
        return kind == Kind.NUMERIC && count > 0 ? quantiles.getQuantile(rank) : Double.NaN;
    }

    /**
     * The normalized rank error of the quantile sketch (0.14 % with 99 % confidence), zero while
     * every value is kept.
     *
     * @return the error, as a fraction of the count
     */
    public double rankError() {
        return kind == Kind.NUMERIC && quantiles.isEstimationMode() ? quantiles.getNormalizedRankError(false) : 0;
    }

    /**
     * How many distinct values the column holds, when that is known exactly: up to 64 for numbers,
     * up to 1,000 for categories.
     *
     * @return the distinct count, or empty when there are more
     */
    public OptionalInt distinctCount() {
        if (kind == Kind.NUMERIC) {
            return distinct == null ? OptionalInt.empty() : OptionalInt.of(distinctSize);
        }
        return categories == null ? OptionalInt.empty() : OptionalInt.of(categories.size());
    }

    /**
     * Counts per equal-width bin between the minimum and the maximum (the last bin holds the
     * maximum), from the quantile sketch: exact while every value is kept, within
     * {@link #rankError()} of the count after that.
     *
     * @param bins how many bins, 1 to 10,000
     * @return the counts, one per bin; empty for categories or without values
     */
    public long[] histogram(int bins) {
        if (bins < 1 || bins > 10_000) {
            throw new ValidationException("bins", "be in [1, 10000]", bins);
        }
        if (kind != Kind.NUMERIC || count == 0) {
            return new long[0];
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = min + (max - min) * i / bins;
        }
        double[] shares = cdf().masses(edges);
        long[] counts = new long[bins];
        for (int i = 0; i < bins; i++) {
            counts[i] = Math.round(shares[i] * count);
        }
        return counts;
    }

    /**
     * The most frequent values, most frequent first: categories, or numbers while there are at most
     * 64 distinct ones.
     *
     * @param limit at most this many
     * @return the values with their counts
     */
    public List<ValueCount> topValues(int limit) {
        if (limit < 1) {
            throw new ValidationException("limit", "be at least 1", limit);
        }
        List<ValueCount> all = new ArrayList<>();
        if (kind == Kind.NUMERIC) {
            for (int i = 0; distinct != null && i < distinctSize; i++) {
                all.add(new ValueCount(Double.toString(distinct[i]), distinctCounts[i]));
            }
        } else if (categories != null) {
            categories.forEach((v, n) -> all.add(new ValueCount(v, n[0])));
        } else {
            for (ItemsSketch.Row<String> row : frequent.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
                all.add(new ValueCount(row.getItem(), row.getEstimate()));
            }
        }
        all.sort(Comparator.comparingLong(ValueCount::count).reversed().thenComparing(ValueCount::value));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** Counts by value (text for categories, the number's text for numbers), sorted; null when not exact. */
    @Nullable TreeMap<String, Long> exactCounts() {
        TreeMap<String, Long> counts = new TreeMap<>();
        if (kind == Kind.NUMERIC) {
            if (distinct == null) {
                return null;
            }
            for (int i = 0; i < distinctSize; i++) {
                counts.put(Double.toString(distinct[i]), distinctCounts[i]);
            }
        } else if (categories != null) {
            categories.forEach((v, n) -> counts.put(v, n[0]));
        } else {
            return null;
        }
        return counts;
    }

    /** Counts by category, exact or estimated by the frequent-items sketch. */
    Map<String, Long> categoryCounts() {
        TreeMap<String, Long> exact = exactCounts();
        if (exact != null) {
            return exact;
        }
        Map<String, Long> estimated = new TreeMap<>();
        for (ItemsSketch.Row<String> row : frequent.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
            estimated.put(row.getItem(), row.getEstimate());
        }
        return estimated;
    }

    /** The numbers kept in the sample: every value while there were at most 4,096. */
    double[] sampleValues() {
        long[] bits = sample.getSamples();
        double[] values = new double[bits == null ? 0 : bits.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(bits[i]);
        }
        return values;
    }

    /** Whether the sample holds every value. */
    boolean exact() {
        return sample.getN() <= SAMPLE_SIZE;
    }

    /** The empirical distribution: exact from the sample while it holds every value, else from the sketch. */
    Cdf cdf() {
        if (exact()) {
            return Cdf.of(sampleValues());
        }
        DoublesSortedView view = quantiles.getSortedView();
        long[] weights = view.getCumulativeWeights();
        double[] shares = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shares[i] = (double) weights[i] / view.getN();
        }
        return new Cdf(view.getQuantiles(), shares);
    }

    /** The serialized form. */
    Stored store() {
        return new Stored(name, kind, count, missing, mean, m2, min, max,
                quantiles == null ? null : quantiles.toByteArray(), sample == null ? null : sample.toByteArray(),
                distinct == null ? null : Arrays.copyOf(distinct, distinctSize),
                distinctCounts == null ? null : Arrays.copyOf(distinctCounts, distinctSize),
                categories == null ? null : exactCounts(), frequent == null ? null : frequent.toByteArray(STRINGS));
    }

    static ColumnProfile restore(Stored s) {
        ColumnProfile p = new ColumnProfile(s.name(), s.kind());
        p.count = s.count();
        p.missing = s.missing();
        p.mean = s.mean();
        p.m2 = s.m2();
        p.min = s.min();
        p.max = s.max();
        if (s.kind() == Kind.NUMERIC) {
            p.quantiles = KllDoublesSketch.heapify(Memory.wrap(s.quantiles()));
            p.sample = ReservoirLongsSketch.heapify(Memory.wrap(s.sample()));
            if (s.distinct() == null) {
                p.distinct = null;
                p.distinctCounts = null;
            } else {
                p.distinctSize = s.distinct().length;
                System.arraycopy(s.distinct(), 0, p.distinct, 0, p.distinctSize);
                System.arraycopy(s.distinctCounts(), 0, p.distinctCounts, 0, p.distinctSize);
            }
        } else if (s.categories() != null) {
            s.categories().forEach((v, n) -> p.categories.put(v, new long[] {n}));
        } else {
            p.categories = null;
            p.frequent = ItemsSketch.getInstance(Memory.wrap(s.frequent()), STRINGS);
        }
        return p;
    }

    /** What is written for a column; sketches in their DataSketches binary forms. */
    record Stored(String name, Kind kind, long count, long missing, double mean, double m2, double min, double max,
            byte @Nullable [] quantiles, byte @Nullable [] sample, double @Nullable [] distinct,
            long @Nullable [] distinctCounts, @Nullable Map<String, Long> categories, byte @Nullable [] frequent) {
    }

    /**
     * A step distribution function: {@code shares[i]} of the values are ≤ {@code values[i]}, values
     * ascending and distinct.
     */
    record Cdf(double[] values, double[] shares) {
        static Cdf of(double[] sample) {
            double[] sorted = sample.clone();
            Arrays.sort(sorted);
            int n = 0;
            double[] shares = new double[sorted.length];
            for (int i = 0; i < sorted.length; i++) {
                if (n > 0 && sorted[n - 1] == sorted[i]) {
                    shares[n - 1] = (i + 1.0) / sorted.length;
                } else {
                    sorted[n] = sorted[i];
                    shares[n++] = (i + 1.0) / sorted.length;
                }
            }
            return new Cdf(Arrays.copyOf(sorted, n), Arrays.copyOf(shares, n));
        }

        /** The share of values ≤ x. */
        double at(double x) {
            int i = Arrays.binarySearch(values, x);
            int at = i >= 0 ? i : -i - 2;
            return at < 0 ? 0 : shares[at];
        }

        /** Shares of values in each bin: [e0, e1], (e1, e2], ..., (e[n-1], e[n]]; values beyond the edges fall in the outer bins. */
        double[] masses(double[] edges) {
            double[] masses = new double[edges.length - 1];
            double below = 0;
            for (int i = 0; i < masses.length; i++) {
                double upTo = i == masses.length - 1 ? 1 : at(edges[i + 1]);
                masses[i] = upTo - below;
                below = upTo;
            }
            return masses;
        }
    }
}
