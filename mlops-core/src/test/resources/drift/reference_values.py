"""Reference values for DriftDetectorTest, computed independently of the Java code and of any
statistics library: the exact two-sample Kolmogorov-Smirnov p-value by counting lattice paths with
Python integers, chi-squared survival by its closed form for integer degrees of freedom, the normal
tail by math.erfc, and PSI, Jensen-Shannon and Wasserstein from their definitions. Run with
python3 (standard library only); the test records the printed values."""
import math
from fractions import Fraction


def ref_sample():
    return [((i * 7919) % 1000) / 100.0 for i in range(1, 41)]


def cur_sample():
    return [((i * 104729) % 1000) / 100.0 * 0.8 + 2.005 for i in range(1, 51)]


def ks_exact_p(x, y):
    n, m = len(x), len(y)
    xs, ys = sorted(x), sorted(y)
    # largest |i*m - j*n| along the observed merge path (no ties between or within samples)
    i = j = 0
    k = 0
    while i < n or j < m:
        if j >= m or (i < n and xs[i] < ys[j]):
            i += 1
        else:
            j += 1
        k = max(k, abs(i * m - j * n))
    # paths from (0,0) to (n,m) that stay strictly inside |i*m - j*n| < k
    paths = [[0] * (m + 1) for _ in range(n + 1)]
    for a in range(n + 1):
        for b in range(m + 1):
            if abs(a * m - b * n) >= k:
                continue
            if a == 0 and b == 0:
                paths[a][b] = 1
            else:
                paths[a][b] = (paths[a - 1][b] if a > 0 else 0) + (paths[a][b - 1] if b > 0 else 0)
    total = math.comb(n + m, n)
    return float(1 - Fraction(paths[n][m], total)), k / (n * m)


def chi2_survival(x, k):
    if k % 2 == 0:
        return math.exp(-x / 2) * sum((x / 2) ** i / math.factorial(i) for i in range(k // 2))
    total = 0.0
    term = 1.0
    for i in range((k - 1) // 2):
        if i > 0:
            term *= x / (2 * i + 1)
        total += term
    return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2) * total


def chi_squared_p(ref_counts, cur_counts):
    scale = sum(cur_counts) / sum(ref_counts)
    stat = sum((o - e * scale) ** 2 / (e * scale) for e, o in zip(ref_counts, cur_counts))
    return chi2_survival(stat, len(ref_counts) - 1)


def z_test_p(ref_counts, cur_counts):
    n1, n2 = sum(ref_counts), sum(cur_counts)
    p1, p2 = ref_counts[0] / n1, cur_counts[0] / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def bin_shares(values, edges):
    shares = []
    for b in range(len(edges) - 1):
        lo, hi = edges[b], edges[b + 1]
        last = b == len(edges) - 2
        inside = [v for v in values if (v <= hi or last) and (b == 0 or v > lo)]
        shares.append(len(inside) / len(values))
    return shares


def edges_over(x, y, bins):
    lo, hi = min(x + y), max(x + y)
    return [lo + (hi - lo) * i / bins for i in range(bins + 1)]


def psi(x, y):
    bins = 1 + math.ceil(math.log2(len(x) + len(y)))
    e = edges_over(x, y, bins)
    r, c = [max(s, 0.0001) for s in bin_shares(x, e)], [max(s, 0.0001) for s in bin_shares(y, e)]
    return sum((a - b) * math.log(a / b) for a, b in zip(r, c))


def jensen_shannon(x, y):
    e = edges_over(x, y, 30)
    p, q = [max(s, 0.0001) for s in bin_shares(x, e)], [max(s, 0.0001) for s in bin_shares(y, e)]
    p, q = [v / sum(p) for v in p], [v / sum(q) for v in q]
    m = [(a + b) / 2 for a, b in zip(p, q)]
    div = sum(a * math.log2(a / c) for a, c in zip(p, m)) + sum(b * math.log2(b / c) for b, c in zip(q, m))
    return math.sqrt(div / 2)


def wasserstein_normed(x, y):
    points = sorted(set(x + y))
    def cdf(v, sample):
        return sum(1 for s in sample if s <= v) / len(sample)
    w = sum(abs(cdf(points[i], x) - cdf(points[i], y)) * (points[i + 1] - points[i]) for i in range(len(points) - 1))
    mean = sum(x) / len(x)
    std = math.sqrt(sum((v - mean) ** 2 for v in x) / len(x))
    return w / max(std, 0.001)


if __name__ == "__main__":
    x, y = ref_sample(), cur_sample()
    p, d = ks_exact_p(x, y)
    print("ks p=%.17g d=%.17g" % (p, d))
    print("ks same p=%.17g" % ks_exact_p(x, [v + 0.001 for v in x])[0])
    print("chi2 df=3 p=%.17g" % chi_squared_p([30, 50, 15, 5], [36, 40, 16, 8]))
    print("chi2 df=2 p=%.17g" % chi_squared_p([300, 500, 200], [350, 420, 230]))
    print("z p=%.17g" % z_test_p([60, 40], [45, 55]))
    print("psi=%.17g" % psi(x, y))
    print("js=%.17g" % jensen_shannon(x, y))
    print("wasserstein=%.17g" % wasserstein_normed(x, y))
