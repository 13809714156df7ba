package dev.mlops.core.pipeline.internal;

import dev.mlops.api.pipeline.Attempt;
import dev.mlops.api.pipeline.DataInterval;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.StepRun;
import dev.mlops.api.pipeline.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads runs back from journal records: the history view and the state a resume starts from. */
public final class JournalEntries {
    private JournalEntries() {
    }

    /** The attempts recorded in a step record. */
    public static List<Attempt> attempts(Journal.Entry entry) {
        List<Attempt> attempts = new ArrayList<>();
        Object list = entry.header().get("attempts");
        if (list instanceof List) {
            for (Object item : (List<?>) list) {
                Map<?, ?> a = (Map<?, ?>) item;
                attempts.add(new Attempt(((Number) a.get("n")).intValue(), Instant.parse((String) a.get("start")),
                        Instant.parse((String) a.get("end")), Optional.ofNullable((String) a.get("error"))));
            }
        }
        return attempts;
    }

    /** The last record of each step, by step (or instance) name. */
    public static Map<String, Journal.Entry> lastStepRecords(List<Journal.Entry> entries) {
        Map<String, Journal.Entry> last = new LinkedHashMap<>();
        for (Journal.Entry entry : entries) {
            if ("step".equals(entry.text("t"))) {
                last.put(entry.text("name"), entry);
            }
        }
        return last;
    }

    /** The first record, which describes the run. */
    public static Journal.Entry runRecord(List<Journal.Entry> entries, String where) {
        if (entries.isEmpty() || !"run".equals(entries.get(0).text("t"))) {
            throw new dev.mlops.api.MlopsException("run journal " + where + " does not start with a run record");
        }
        return entries.get(0);
    }

    /** A run as the history shows it: states, attempts and fingerprints, no outputs. */
    @SuppressWarnings("unchecked")
    public static PipelineRun toRun(List<Journal.Entry> entries, String where) {
        Journal.Entry run = runRecord(entries, where);
        RunState state = RunState.RUNNING;
        Instant endedAt = null;
        Map<String, Object> summary = Map.of();
        for (Journal.Entry entry : entries) {
            if ("end".equals(entry.text("t"))) {
                state = RunState.valueOf(entry.text("state"));
                endedAt = Instant.parse(entry.text("at"));
                summary = (Map<String, Object>) entry.header().get("steps");
            } else if ("resumed".equals(entry.text("t"))) {
                state = RunState.RUNNING;
                endedAt = null;
                summary = Map.of();
            }
        }
        Map<String, StepRun> steps = new LinkedHashMap<>();
        summary.forEach((name, s) -> steps.put(name, new StepRun(name, StepState.valueOf((String) s), List.of(), false,
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty())));
        lastStepRecords(entries).forEach((name, entry) -> steps.put(name, new StepRun(name,
                StepState.valueOf(entry.text("state")), attempts(entry), Boolean.TRUE.equals(entry.header().get("cacheHit")),
                (Map<String, String>) entry.header().getOrDefault("inputs", Map.of()),
                Optional.ofNullable(entry.text("output")), Optional.ofNullable(entry.text("error")), Optional.empty())));
        Map<String, Object> params = (Map<String, Object>) run.header().getOrDefault("params", Map.of());
        DataInterval interval = DataInterval.of(Instant.parse(run.text("start")), Instant.parse(run.text("end")));
        return new PipelineRun(run.text("runId"), run.text("pipeline"), state, params, interval,
                Instant.parse(run.text("startedAt")), endedAt, new ArrayList<>(steps.values()), Map.of());
    }
}
