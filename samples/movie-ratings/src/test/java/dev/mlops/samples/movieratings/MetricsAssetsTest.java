package dev.mlops.samples.movieratings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Prometheus and Grafana assets in {@code docs/} against a real scrape: runs the sample once, then
 * checks the scrape with {@code promtool check metrics}, the alert rules with {@code promtool check rules} and
 * {@code promtool test rules}, the dashboards' queries with {@code promtool check rules}, that every
 * {@code mlops_*} metric a rule or a dashboard names is a series of the scrape, and that the dashboards are
 * importable.
 *
 * <p>Without {@code promtool} on the PATH the promtool checks are skipped, or fail when the environment variable
 * {@code MLOPS_REQUIRE_PROMTOOL} is set (CI sets it; {@code .ci/run} installs the Debian package {@code prometheus}).
 */
class MetricsAssetsTest {
    private static final String REQUIRE_PROMTOOL = "MLOPS_REQUIRE_PROMTOOL";
    private static final String DATASOURCE_UID = "${DS_PROMETHEUS}";
    /** An SDK metric name in a PromQL expression, once strings and label matchers are gone. */
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:$])mlops_[A-Za-z0-9_:]*");
    /** A PromQL string literal: double-quoted, single-quoted (both with escapes) or back-quoted (raw). */
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    /** A line of a rule file that holds a rule's {@code expr:} key. */
    private static final Pattern EXPR_KEY = Pattern.compile("^(\\s*)(?:-\\s+)?expr:\\s*(.*?)\\s*$");
    /** A line of a rule file that starts a rule: {@code - alert: Name} or {@code - record: name}. */
    private static final Pattern RULE_KEY = Pattern.compile("^\\s*(?:-\\s+)?(alert|record):\\s*(\\S+)\\s*$");

    @TempDir
    static Path home;
    private static String scrape;
    private static Set<String> series;
    private static Path docs;

    @BeforeAll
    static void runTheSample() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = MovieRatingsApp.run(home, new PrintStream(bytes, true, StandardCharsets.UTF_8), null);
        assertThat(ok).as("the sample failed:%n%s", bytes.toString(StandardCharsets.UTF_8)).isTrue();
        scrape = Files.readString(home.resolve("metrics.prom"));
        series = seriesNames(scrape);
        docs = repositoryRoot().resolve("docs");
    }

    @Test
    void theScrapePassesPromtoolCheckMetrics() throws Exception {
        Result result = promtool(home, home.resolve("metrics.prom"), "check", "metrics");

        assertThat(result.exit).as("promtool check metrics:%n%s", result.output).isZero();
        assertThat(result.output).as("promtool check metrics found problems").isBlank();
        assertThat(series).as("series of the scrape").hasSizeGreaterThan(30)
                .contains("mlops_serving_requests_total", "mlops_monitor_drift_share",
                        "mlops_pipeline_run_duration_seconds_count");
    }

    @Test
    void theAlertRulesPassPromtoolCheckRules() throws Exception {
        Path rules = docs.resolve("prometheus/alerts.yml");
        Result result = promtool(rules.getParent(), null, "check", "rules", rules.toString());

        assertThat(result.exit).as("promtool check rules:%n%s", result.output).isZero();
        assertThat(result.output).as("promtool check rules")
                .contains("SUCCESS: " + ruleNames(rules).size() + " rules found");
    }

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        Path tests = docs.resolve("prometheus/alerts.test.yml");
        Result result = promtool(tests.getParent(), null, "test", "rules", tests.toString());

        assertThat(result.exit).as("promtool test rules:%n%s", result.output).isZero();
        assertThat(result.output).as("promtool test rules").contains("SUCCESS");
    }

    @Test
    void theDashboardQueriesAreValidPromQl(@TempDir Path dir) throws Exception {
        // promtool has no command that only parses PromQL, so each query becomes a recording rule.
        ObjectMapper json = new ObjectMapper();
        StringBuilder yaml = new StringBuilder("groups:\n");
        int queries = 0;
        for (Path dashboard : dashboards()) {
            yaml.append("  - name: ").append(json.writeValueAsString(dashboard.getFileName().toString()))
                    .append("\n    rules:\n");
            for (String expr : targetExpressions(dashboard)) {
                String promQl = expr.replaceAll("\\$__(rate_interval|interval|range)\\b", "5m");
                yaml.append("      - record: dashboard:query_").append(++queries).append("\n        expr: ")
                        .append(json.writeValueAsString(promQl)).append('\n');
            }
        }
        Path rules = dir.resolve("dashboards.rules.yml");
        Files.writeString(rules, yaml);

        Result result = promtool(dir, null, "check", "rules", rules.toString());

        assertThat(result.exit).as("promtool check rules on the dashboards' queries:%n%s%n%s", result.output, yaml)
                .isZero();
        assertThat(result.output).contains("SUCCESS: " + queries + " rules found");
    }

    @Test
    void everyAlertIsUnitTestedAndHasASeverityAndAnnotations() throws IOException {
        Path rules = docs.resolve("prometheus/alerts.yml");
        String text = Files.readString(rules);
        String tests = Files.readString(docs.resolve("prometheus/alerts.test.yml"));
        List<String> alerts = ruleNames(rules);

        assertThat(alerts).as("alerts in %s", rules).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
        for (String alert : alerts) {
            assertThat(tests).as("alerts.test.yml tests %s", alert).containsPattern("alertname: " + alert + "\\s");
        }
        // One severity, summary and description per alert (the file holds nothing else with these keys).
        assertThat(count(text, "(?m)^\\s+severity: (warning|critical)\\s*$")).as("severities").isEqualTo(alerts.size());
        assertThat(count(text, "(?m)^\\s+summary: ")).as("summaries").isEqualTo(alerts.size());
        assertThat(count(text, "(?m)^\\s+description: ")).as("descriptions").isEqualTo(alerts.size());
    }

    @Test
    void everyMetricTheRulesAndDashboardsNameIsASeriesOfTheScrape() throws IOException {
        Map<String, Set<String>> referencedBy = new TreeMap<>();
        Path rules = docs.resolve("prometheus/alerts.yml");
        List<String> exprs = ruleExpressions(rules);
        assertThat(exprs).as("expressions in %s, one per rule", rules).hasSize(ruleNames(rules).size());
        collect(referencedBy, "alerts.yml", exprs);
        for (Path dashboard : dashboards()) {
            collect(referencedBy, dashboard.getFileName().toString(), dashboardExpressions(dashboard));
        }

        Map<String, Set<String>> missing = new TreeMap<>(referencedBy);
        missing.keySet().removeAll(series);
        assertThat(missing).as("metrics named in docs/ that the sample's scrape lacks (name -> files);"
                + " the scrape has %s", series).isEmpty();
        assertThat(referencedBy.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                .as("files that name SDK metrics")
                .contains("alerts.yml", "serving.json", "monitoring.json", "pipelines-and-features.json");
        assertThat(referencedBy).as("metrics named").hasSizeGreaterThan(25);
    }

    @Test
    void theDashboardsAreImportable() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> uids = new LinkedHashSet<>();
        List<Path> files = dashboards();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("serving.json", "monitoring.json", "pipelines-and-features.json");
        for (Path file : files) {
            String name = file.getFileName().toString();
            JsonNode dashboard = json.readTree(file.toFile());
            assertThat(dashboard.path("title").asText()).as("%s title", name).isNotBlank();
            assertThat(dashboard.path("uid").asText()).as("%s uid", name).isNotBlank().hasSizeLessThanOrEqualTo(40);
            assertThat(uids.add(dashboard.path("uid").asText())).as("%s uid is unique", name).isTrue();
            assertThat(dashboard.path("schemaVersion").asInt()).as("%s schemaVersion", name).isGreaterThanOrEqualTo(36);
            assertThat(dashboard.path("__inputs").findValuesAsText("name")).as("%s __inputs", name).contains("DS_PROMETHEUS");
            assertThat(dashboard.path("templating").path("list").findValuesAsText("type")).as("%s variables", name)
                    .contains("datasource");

            List<JsonNode> panels = panels(dashboard);
            List<JsonNode> charts = panels.stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
            assertThat(charts).as("%s panels", name).isNotEmpty();
            Set<Integer> ids = new TreeSet<>();
            for (JsonNode panel : panels) {
                assertThat(ids.add(panel.path("id").asInt())).as("%s panel id %s is unique", name, panel.path("id")).isTrue();
                assertThat(panel.has("gridPos")).as("%s panel %s has a gridPos", name, panel.path("title")).isTrue();
            }
            for (JsonNode panel : charts) {
                String title = name + " panel '" + panel.path("title").asText() + "'";
                assertThat(panel.path("title").asText()).as("%s title", title).isNotBlank();
                assertThat(panel.path("datasource").path("uid").asText()).as("%s datasource", title).isEqualTo(DATASOURCE_UID);
                assertThat(panel.path("targets")).as("%s targets", title).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as("%s expr", title).contains("mlops_");
                    assertThat(target.path("datasource").path("uid").asText()).as("%s target datasource", title)
                            .isEqualTo(DATASOURCE_UID);
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asText())) {
                    assertThat(variable.path("datasource").path("uid").asText())
                            .as("%s variable %s datasource", name, variable.path("name")).isEqualTo(DATASOURCE_UID);
                }
            }
        }
    }

    @Test
    void metricNamesAreFoundInPromQlOutsideStringsAndLabelMatchers() {
        assertThat(metricNames("sum by (endpoint) (rate(mlops_serving_requests_total{outcome=~\"mlops_x|y\", "
                + "mlops_label=\"a\"}[5m])) / on () group_left mlops_serving_models_loaded > 0 # mlops_comment"))
                .containsExactly("mlops_serving_requests_total", "mlops_serving_models_loaded");
        assertThat(metricNames("label_values(mlops_feature_lookups_total, view)")).containsExactly("mlops_feature_lookups_total");
        assertThat(metricNames("rate(x_mlops_y[$__rate_interval]) + $mlops_var + ${mlops_var}")).isEmpty();
    }

    @Test
    void ruleExpressionsAreReadFromInlineAndBlockScalars(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, String.join("\n",
                "groups:",
                "  - name: g",
                "    rules:",
                "      - alert: A",
                "        expr: |",
                "          sum(rate(mlops_a_total[5m]))",
                "",
                "            > 0",
                "        for: 5m",
                "      - record: b",
                "        expr: 'mlops_b > 1' # a comment",
                "      - alert: C",
                "        expr: mlops_c",
                "          > 2",
                "        labels: {}",
                ""));

        assertThat(ruleNames(file)).containsExactly("A", "b", "C");
        assertThat(ruleExpressions(file)).containsExactly("sum(rate(mlops_a_total[5m]))\n\n  > 0\n", "mlops_b > 1",
                "mlops_c > 2");
    }

    // ------------------------------------------------------------------ promtool

    private record Result(int exit, String output) {
    }

    /** Runs promtool in {@code dir}, with {@code stdin} (a file, or nothing) as its input; skips or fails without it. */
    private static Result promtool(Path dir, Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(findPromtool().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Process process = builder.start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Path findPromtool() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        Optional<Path> found = Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Paths.get(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty()) {
            String why = "promtool is not installed; install it with 'apt-get install prometheus' (Debian, Ubuntu) or"
                    + " from https://prometheus.io/download/";
            String required = System.getenv(REQUIRE_PROMTOOL);
            if (required != null && !required.isBlank()) {
                fail(why + " (" + REQUIRE_PROMTOOL + " is set, so it is required)");
            }
            Assumptions.assumeTrue(false, why);
        }
        return found.get();
    }

    // ------------------------------------------------------------------ the scrape

    /** The series names of a Prometheus text exposition: each sample line's name, before its labels or value. */
    private static Set<String> seriesNames(String exposition) {
        return exposition.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("[{\\s]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    // ------------------------------------------------------------------ rules

    /** The names of the rules of a rule file, from its {@code alert:} and {@code record:} keys. */
    private static List<String> ruleNames(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = RULE_KEY.matcher(line);
            if (m.matches()) {
                names.add(m.group(2));
            }
        }
        return names;
    }

    /**
     * The {@code expr} values of a rule file, read line by line instead of with a YAML parser (no YAML library is
     * among the sample's dependencies). It handles what rule files use: a block scalar ({@code expr: |} or
     * {@code >}, with chomping indicators) whose lines are the following ones indented deeper than the key
     * (blank lines included), a quoted scalar on the key's line, and a plain scalar that may continue on deeper
     * indented lines. A block keeps its line breaks, the others are joined with spaces; the caller checks
     * that it found one expression per rule.
     */
    private static List<String> ruleExpressions(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> exprs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPR_KEY.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            int keyIndent = lines.get(i).indexOf("expr:");
            String value = m.group(2);
            List<String> more = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size() && (lines.get(j).isBlank() || indent(lines.get(j)) > keyIndent)) {
                more.add(lines.get(j));
                j++;
            }
            while (!more.isEmpty() && more.get(more.size() - 1).isBlank()) {
                more.remove(more.size() - 1);
            }
            if (value.matches("[|>][-+0-9]*(\\s+#.*)?")) {
                int blockIndent = more.stream().filter(l -> !l.isBlank()).mapToInt(MetricsAssetsTest::indent).min()
                        .orElse(0);
                exprs.add(more.stream().map(l -> l.isBlank() ? "" : l.substring(blockIndent))
                        .collect(Collectors.joining("\n", "", "\n")));
            } else if (value.startsWith("\"") || value.startsWith("'")) {
                int end = value.lastIndexOf(value.charAt(0));
                assertThat(end).as("a quoted expr ends on its line: %s", lines.get(i)).isPositive();
                exprs.add(value.substring(1, end).replace("''", "'").replace("\\\"", "\""));
            } else {
                List<String> parts = new ArrayList<>();
                parts.add(value.replaceFirst("\\s+#.*$", ""));
                more.stream().map(String::strip).forEach(parts::add);
                exprs.add(String.join(" ", parts).strip());
            }
            i = j - 1;
        }
        return exprs;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ dashboards

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(docs.resolve("grafana"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every panel, including those inside collapsed rows. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add);
        }
        return all;
    }

    /** Every panel target's {@code expr} of a dashboard. */
    private static List<String> targetExpressions(Path file) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        return exprs;
    }

    /** The queries of a dashboard: every panel target's {@code expr} and every query variable's query. */
    private static List<String> dashboardExpressions(Path file) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        List<String> exprs = new ArrayList<>(targetExpressions(file));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                exprs.add(query.isTextual() ? query.asText() : query.path("query").asText());
                exprs.add(variable.path("definition").asText());
            }
        }
        return exprs;
    }

    // ------------------------------------------------------------------ PromQL

    private static void collect(Map<String, Set<String>> referencedBy, String file, List<String> exprs) {
        for (String expr : exprs) {
            for (String metric : metricNames(expr)) {
                referencedBy.computeIfAbsent(metric, k -> new TreeSet<>()).add(file);
            }
        }
    }

    /**
     * The SDK metric names a PromQL expression (or a Grafana {@code label_values(...)} query) names: its
     * identifiers that start with {@code mlops_}, after removing comments, string literals and label matchers
     * ({@code {...}}), so neither label names nor label values count. Grafana variables ({@code $x},
     * {@code ${x}}) are left out.
     */
    static List<String> metricNames(String expr) {
        String code = STRING.matcher(expr).replaceAll("\"\"");
        code = code.replaceAll("#[^\n]*", "");
        code = code.replaceAll("\\$\\{[^}]*}", "");
        code = code.replaceAll("\\{[^}]*}", "");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(code);
        while (m.find()) {
            names.add(m.group());
        }
        return List.copyOf(names);
    }

    // ------------------------------------------------------------------ helpers

    /** The checkout's root: the nearest directory, from the working directory up, that holds the rule file. */
    private static Path repositoryRoot() {
        Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/prometheus/alerts.yml"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/prometheus/alerts.yml in " + start + " or a directory above it");
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
