package dev.mlops.api.tracking;

import dev.mlops.api.artifact.ArtifactRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a tracking run recorded.
 *
 * @param id the run id
 * @param experiment the experiment
 * @param name the run name
 * @param status the status
 * @param startedAt when it started
 * @param endedAt when it ended, if it has
 * @param params parameters
 * @param metrics each metric's series, in logging order
 * @param tags tags
 * @param artifacts stored artifacts by name
 * @since 0.1.0
 */
public record RunInfo(String id, String experiment, String name, RunStatus status, Instant startedAt,
        Optional<Instant> endedAt, Map<String, String> params, Map<String, List<MetricPoint>> metrics,
        Map<String, String> tags, Map<String, ArtifactRef> artifacts) {
    /**
     * Copies the collections.
     *
     * @param id the id
     * @param experiment the experiment
     * @param name the name
     * @param status the status
     * @param startedAt the start
     * @param endedAt the end
     * @param params the parameters
     * @param metrics the metric series
     * @param tags the tags
     * @param artifacts the artifacts
     */
    public RunInfo {
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
        tags = Map.copyOf(tags);
        artifacts = Map.copyOf(artifacts);
    }

    /**
     * The last value logged for a metric.
     *
     * @param name the metric
     * @return the value, if logged
     */
    public Optional<Double> latest(String name) {
        List<MetricPoint> series = metrics.get(name);
        return series == null || series.isEmpty() ? Optional.empty() : Optional.of(series.get(series.size() - 1).value());
    }
}
