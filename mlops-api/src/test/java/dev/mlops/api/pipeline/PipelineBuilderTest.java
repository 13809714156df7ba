package dev.mlops.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PipelineBuilderTest {

    @Test
    void buildsATypedDagInTopologicalOrder() {
        var p = Pipeline.builder("train");
        Param<Integer> minStars = p.param("min_stars", Integer.class).defaultValue(1);
        Step<List<Integer>> raw = p.step("ingest", ctx -> List.of(1, 2, 3));
        Step<Integer> count = p.step("count", raw, (ctx, rows) -> rows.size());
        Step<List<String>> mapped = p.map("label", raw, (ctx, row) -> "r" + row).maxParallel(2);
        Step<String> report = p.step("report", count, mapped, (ctx, n, labels) -> n + ":" + labels);
        p.pool("db", 2);
        p.step("audit", ctx -> null).pool("db").after(report);
        Pipeline pipeline = p.build();

        assertThat(pipeline.name()).isEqualTo("train");
        assertThat(pipeline.steps()).extracting(Step::name).containsExactly("ingest", "count", "label", "report", "audit");
        assertThat(pipeline.step("report")).contains(report);
        assertThat(report.inputs()).containsExactly(count, mapped);
        assertThat(pipeline.params()).containsExactly(minStars);
        assertThat(pipeline.declares(minStars)).isTrue();
        assertThat(pipeline.pools()).containsEntry("db", 2);
        assertThat(mapped.mapped()).isTrue();
        assertThat(mapped.maxParallelInstances()).isEqualTo(2);
        assertThat(pipeline.step("audit").orElseThrow().upstream()).containsExactly(report);
    }

    @Test
    void stepsAreFrozenOnceBuilt() {
        var p = Pipeline.builder("p");
        Step<Integer> one = p.step("one", ctx -> 1);
        p.build();
        assertThatThrownBy(() -> one.retries(2)).isInstanceOf(MlopsException.class)
                .hasMessage("step 'one' belongs to a built pipeline and can no longer change");
        assertThatThrownBy(() -> p.step("two", ctx -> 2)).hasMessage("pipeline 'p' is already built; start a new builder");
    }

    @Test
    void rejectsACycleNamingIt() {
        var p = Pipeline.builder("p");
        Step<Integer> a = p.step("a", ctx -> 1);
        Step<Integer> b = p.step("b", a, (ctx, x) -> x);
        Step<Integer> c = p.step("c", b, (ctx, x) -> x);
        a.after(c);
        assertThatThrownBy(p::build).isInstanceOf(ValidationException.class)
                .hasMessage("pipeline.p must not have a cycle, was 'a -> b -> c -> a'");
    }

    @Test
    void rejectsASelfLoop() {
        var p = Pipeline.builder("p");
        Step<Integer> a = p.step("a", ctx -> 1);
        a.after(a);
        assertThatThrownBy(p::build).hasMessage("pipeline.p must not have a cycle, was 'a -> a'");
    }

    @Test
    void rejectsDuplicateStepNames() {
        var p = Pipeline.builder("p");
        p.step("a", ctx -> 1);
        assertThatThrownBy(() -> p.step("a", ctx -> 2)).isInstanceOf(ConflictException.class)
                .hasMessage("step 'a' is declared twice in pipeline 'p'");
    }

    @Test
    void rejectsStepsOfAnotherPipeline() {
        var other = Pipeline.builder("other");
        Step<Integer> foreign = other.step("x", ctx -> 1);
        var p = Pipeline.builder("p");
        p.step("y", foreign, (ctx, v) -> v);
        assertThatThrownBy(p::build)
                .hasMessage("step.y must take only steps of pipeline 'p'; 'x' belongs to another pipeline, was 'x'");
    }

    @Test
    void rejectsUndeclaredPools() {
        var p = Pipeline.builder("p");
        p.step("a", ctx -> 1).pool("gpu");
        assertThatThrownBy(p::build)
                .hasMessage("step.a.pool must name a pool declared with Pipeline.Builder.pool (declared: []), was 'gpu'");
    }

    @Test
    void rejectsAnEmptyPipeline() {
        assertThatThrownBy(() -> Pipeline.builder("p").build()).hasMessage("pipeline.p must have at least one step, was 'no steps'");
    }

    @Test
    void rejectsBadNames() {
        assertThatThrownBy(() -> Pipeline.builder("Train Me")).hasMessageStartingWith("pipeline.name must start with a lowercase letter");
        assertThatThrownBy(() -> Pipeline.builder("p").step("bad step", ctx -> 1))
                .hasMessageStartingWith("step.name must contain only lowercase letters");
    }

    @Test
    void rejectsNullInputsAndBodies() {
        var p = Pipeline.builder("p");
        assertThatThrownBy(() -> p.step("a", null, (ctx, x) -> x)).hasMessage("step.a input 1 must be set, was null");
        assertThatThrownBy(() -> p.step("b", (StepFunctions.Source<Object>) null)).hasMessage("step.b body must be set, was null");
    }

    @Test
    void rejectsOutOfRangeStepSettings() {
        var p = Pipeline.builder("p");
        Step<Integer> a = p.step("a", ctx -> 1);
        assertThatThrownBy(() -> a.retries(-1)).hasMessage("step.a.retries must be between 0 and 99, was '-1'");
        assertThatThrownBy(() -> a.timeout(Duration.ZERO)).hasMessage("step.a.timeout must be positive, was 'PT0S'");
        assertThatThrownBy(() -> a.maxParallel(2)).hasMessageStartingWith("step.a.maxParallel must be set on mapped steps only");
        assertThatThrownBy(() -> a.cacheable(" ")).hasMessage("step.a.codeVersion must not be blank, was ' '");
        assertThatThrownBy(() -> a.trigger(null)).hasMessage("step.a.trigger must be set, was null");
        assertThatThrownBy(() -> p.pool("db", 0)).hasMessage("pool.db.size must be between 1 and 10000, was '0'");
    }

    @Test
    void paramsAreTypedAndChecked() {
        var p = Pipeline.builder("p");
        Param<Integer> stars = p.param("stars", Integer.class).defaultValue(3).check(v -> v >= 1 && v <= 5, "be between 1 and 5");
        Param<Instant> since = p.param("since", Instant.class).required();
        assertThat(stars.resolve(null)).isEqualTo(3);
        assertThat(stars.resolve(5)).isEqualTo(5);
        assertThatThrownBy(() -> stars.resolve("4")).isInstanceOf(ValidationException.class)
                .hasMessage("param.stars must be a Integer, not a String, was '4'");
        assertThatThrownBy(() -> stars.resolve(9)).hasMessage("param.stars must be between 1 and 5, was '9'");
        assertThatThrownBy(() -> since.resolve(null)).hasMessage("param.since must be given (it is required), was null");
        assertThatThrownBy(() -> stars.defaultValue(0)).hasMessage("param.stars default must be between 1 and 5, was '0'");
        assertThatThrownBy(() -> p.param("stars", Integer.class)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> p.param("blob", Object.class)).hasMessageStartingWith("param.blob type must be one of String");
    }

    @Test
    void retryPolicyBacksOffExponentiallyWithinJitter() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofSeconds(1))
                .maxBackoff(Duration.ofSeconds(3)).jitter(0).build();
        Random random = new Random(1);
        assertThat(policy.backoff(1, random)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, random)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3, random)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.shouldRetry(new RuntimeException(), 3)).isTrue();
        assertThat(policy.shouldRetry(new RuntimeException(), 4)).isFalse();
        assertThat(policy.shouldRetry(new ValidationException("f", "be ok", 1), 1)).isFalse();
        RetryPolicy jittered = RetryPolicy.builder().initialBackoff(Duration.ofSeconds(10)).jitter(0.5).build();
        for (int i = 0; i < 100; i++) {
            assertThat(jittered.backoff(1, random)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15));
        }
    }

    @Test
    void retryPolicyRejectsBadSettings() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).hasMessage("retry.maxAttempts must be between 1 and 100, was '0'");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(2)).hasMessage("retry.jitter must be between 0 and 1, was '2.0'");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5)).hasMessage("retry.multiplier must be between 1 and 10, was '0.5'");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(-1)))
                .hasMessage("retry.initialBackoff must not be negative, was 'PT-1S'");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMinutes(10)).maxBackoff(Duration.ofMinutes(1)).build())
                .hasMessage("retry.initialBackoff must not exceed maxBackoff PT1M, was 'PT10M'");
    }

    @Test
    void dataIntervalMustNotEndBeforeItStarts() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(DataInterval.of(t, t.plusSeconds(60)).end()).isEqualTo(t.plusSeconds(60));
        assertThatThrownBy(() -> DataInterval.of(t, t.minusSeconds(1)))
                .hasMessage("dataInterval.end must not be before start 2026-01-01T00:00:00Z, was '2025-12-31T23:59:59Z'");
    }

    @Test
    void runQueryFiltersByStateAndTime() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        PipelineRun run = new PipelineRun("r1", "p", RunState.FAILED, java.util.Map.of(), DataInterval.of(t, t), t, t,
                List.of(), java.util.Map.of());
        assertThat(RunQuery.of("p").matches(run)).isTrue();
        assertThat(RunQuery.of("p").states(RunState.SUCCEEDED).matches(run)).isFalse();
        assertThat(RunQuery.of("p").startedAfter(t.plusSeconds(1)).matches(run)).isFalse();
        assertThat(RunQuery.of("p").startedBefore(t.plusSeconds(1)).matches(run)).isTrue();
        assertThat(RunQuery.of("q").matches(run)).isFalse();
        assertThatThrownBy(() -> RunQuery.of("p").limit(0)).hasMessage("query.limit must be between 1 and 100000, was '0'");
    }
}
