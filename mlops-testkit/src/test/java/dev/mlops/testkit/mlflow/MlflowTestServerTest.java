package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Drives the test server with plain HTTP, checking paths, JSON shapes, errors and the test features. */
class MlflowTestServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private MlflowTestServer mlflow;

    @BeforeEach
    void start() {
        mlflow = MlflowTestServer.start();
    }

    @AfterEach
    void stop() {
        mlflow.close();
    }

    /** One answer: status, JSON (or null), raw body and headers. */
    record Answer(int status, JsonNode json, byte[] body, java.net.http.HttpHeaders headers) {
        String errorCode() {
            return json.path("error_code").asText();
        }
    }

    private Answer send(String method, String path, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mlflow.trackingUri() + path))
                .timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (body instanceof byte[] bytes) {
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = null;
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json") && response.body().length > 0) {
            json = JSON.readTree(response.body());
        }
        return new Answer(response.statusCode(), json, response.body(), response.headers());
    }

    private Answer post(String endpoint, Object body) throws Exception {
        return send("POST", "/api/2.0/mlflow/" + endpoint, body, Map.of());
    }

    private Answer patch(String endpoint, Object body) throws Exception {
        return send("PATCH", "/api/2.0/mlflow/" + endpoint, body, Map.of());
    }

    private Answer delete(String endpoint, Object body) throws Exception {
        return send("DELETE", "/api/2.0/mlflow/" + endpoint, body, Map.of());
    }

    private Answer get(String endpoint, String... params) throws Exception {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            query.append(i == 0 ? "?" : "&").append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        return send("GET", "/api/2.0/mlflow/" + endpoint + query, null, Map.of());
    }

    private Answer ok(Answer answer) {
        assertThat(answer.status()).as("status of %s", answer.json()).isEqualTo(200);
        return answer;
    }

    private String experiment(String name) throws Exception {
        return ok(post("experiments/create", Map.of("name", name))).json().get("experiment_id").asText();
    }

    private JsonNode run(String experimentId, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("experiment_id", experimentId);
        return ok(post("runs/create", body)).json().get("run");
    }

    private static Map<String, Object> metric(String key, double value, long timestamp, long step) {
        return Map.of("key", key, "value", value, "timestamp", timestamp, "step", step);
    }

    private static List<Map<String, Object>> items(int count, String prefix) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(Map.of("key", prefix + i, "value", "v" + i));
        }
        return list;
    }

    private static List<Map<String, Object>> metrics(int count) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(metric("m" + i, i, 1000 + i, 0));
        }
        return list;
    }

    @Nested
    class Tracking {
        @Test
        void createsAndReadsExperiments() throws Exception {
            String id = experiment("movie-rater");

            JsonNode experiment = ok(get("experiments/get", "experiment_id", id)).json().get("experiment");
            assertThat(experiment.get("experiment_id").asText()).isEqualTo(id);
            assertThat(experiment.get("name").asText()).isEqualTo("movie-rater");
            assertThat(experiment.get("artifact_location").asText()).isEqualTo("mlflow-artifacts:/" + id);
            assertThat(experiment.get("lifecycle_stage").asText()).isEqualTo("active");
            assertThat(experiment.get("creation_time").isIntegralNumber()).isTrue();
            assertThat(experiment.has("tags")).as("empty lists are left out").isFalse();
            assertThat(ok(get("experiments/get-by-name", "experiment_name", "movie-rater")).json()
                    .at("/experiment/experiment_id").asText()).isEqualTo(id);
            assertThat(ok(get("experiments/get", "experiment_id", "0")).json().at("/experiment/name").asText())
                    .isEqualTo("Default");

            Answer duplicate = post("experiments/create", Map.of("name", "movie-rater"));
            assertThat(duplicate.status()).isEqualTo(400);
            assertThat(duplicate.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
            Answer missing = get("experiments/get", "experiment_id", "999");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            assertThat(missing.json().get("message").asText()).contains("999");
            Answer byName = get("experiments/get-by-name", "experiment_name", "nope");
            assertThat(byName.status()).isEqualTo(404);
            assertThat(byName.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            Answer noName = post("experiments/create", Map.of("artifact_location", "s3://b/x"));
            assertThat(noName.status()).isEqualTo(400);
            assertThat(noName.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(noName.json().get("message").asText()).contains("'name'");
        }

        @Test
        void createsRunsWithMlflowsFields() throws Exception {
            String experimentId = experiment("runs");
            JsonNode run = run(experimentId, Map.of("run_name", "first", "start_time", 1234,
                    "tags", List.of(Map.of("key", "team", "value", "recs"))));

            JsonNode info = run.get("info");
            String runId = info.get("run_id").asText();
            assertThat(runId).matches("[0-9a-f]{32}");
            assertThat(info.get("run_uuid").asText()).isEqualTo(runId);
            assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
            assertThat(info.get("run_name").asText()).isEqualTo("first");
            assertThat(info.get("status").asText()).isEqualTo("RUNNING");
            assertThat(info.get("start_time").asLong()).isEqualTo(1234);
            assertThat(info.has("end_time")).isFalse();
            assertThat(info.get("artifact_uri").asText())
                    .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
            assertThat(info.get("lifecycle_stage").asText()).isEqualTo("active");
            assertThat(info.has("user_id")).isTrue();
            assertThat(run.at("/data/tags").findValuesAsText("key")).containsExactly("team", "mlflow.runName");
            assertThat(run.at("/data").has("metrics")).isFalse();

            JsonNode updated = ok(post("runs/update", Map.of("run_id", runId, "status", "FINISHED", "end_time", 5678)))
                    .json().get("run_info");
            assertThat(updated.get("status").asText()).isEqualTo("FINISHED");
            assertThat(updated.get("end_time").asLong()).isEqualTo(5678);
            JsonNode fetched = ok(get("runs/get", "run_id", runId)).json().at("/run/info");
            assertThat(fetched.get("status").asText()).isEqualTo("FINISHED");

            Answer missing = get("runs/get", "run_id", "0123456789abcdef0123456789abcdef");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            Answer noExperiment = post("runs/create", Map.of("experiment_id", "4242"));
            assertThat(noExperiment.status()).isEqualTo(404);
            assertThat(noExperiment.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        }

        @Test
        void logsMetricsTagsAndImmutableParams() throws Exception {
            String runId = run(experiment("logging"), Map.of()).at("/info/run_id").asText();
            ok(post("runs/log-metric", Map.of("run_id", runId, "key", "rmse", "value", 0.9, "timestamp", 10, "step", 0)));
            ok(post("runs/log-metric", Map.of("run_id", runId, "key", "rmse", "value", 0.8, "timestamp", 20, "step", 1)));
            ok(post("runs/log-metric", Map.of("run_id", runId, "key", "rmse", "value", 0.85, "timestamp", 30, "step", 1)));
            ok(post("runs/log-parameter", Map.of("run_id", runId, "key", "lr", "value", "0.01")));
            ok(post("runs/log-parameter", Map.of("run_id", runId, "key", "lr", "value", "0.01")));
            ok(post("runs/set-tag", Map.of("run_id", runId, "key", "stage", "value", "a")));
            ok(post("runs/set-tag", Map.of("run_id", runId, "key", "stage", "value", "b")));

            Answer changed = post("runs/log-parameter", Map.of("run_id", runId, "key", "lr", "value", "0.02"));
            assertThat(changed.status()).isEqualTo(400);
            assertThat(changed.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(changed.json().get("message").asText()).contains("Changing param values is not allowed", "0.01",
                    "0.02");

            JsonNode data = ok(get("runs/get", "run_id", runId)).json().at("/run/data");
            assertThat(data.get("metrics")).hasSize(1);
            assertThat(data.at("/metrics/0/value").asDouble()).as("latest by step, then timestamp").isEqualTo(0.85);
            assertThat(data.at("/metrics/0/step").asLong()).isEqualTo(1);
            assertThat(data.at("/params/0/key").asText()).isEqualTo("lr");
            assertThat(data.at("/params/0/value").asText()).isEqualTo("0.01");
            assertThat(tag(data, "stage")).isEqualTo("b");

            JsonNode history = ok(get("metrics/get-history", "run_id", runId, "metric_key", "rmse")).json();
            assertThat(history.get("metrics").findValuesAsText("value")).containsExactly("0.9", "0.8", "0.85");
            assertThat(history.has("next_page_token")).isFalse();

            ok(post("runs/delete-tag", Map.of("run_id", runId, "key", "stage")));
            Answer gone = post("runs/delete-tag", Map.of("run_id", runId, "key", "stage"));
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            Answer badKey = post("runs/log-metric", Map.of("run_id", runId, "key", "a/../b", "value", 1, "timestamp", 1));
            assertThat(badKey.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            Answer noTimestamp = post("runs/log-metric", Map.of("run_id", runId, "key", "x", "value", 1));
            assertThat(noTimestamp.status()).isEqualTo(400);
            assertThat(noTimestamp.json().get("message").asText()).contains("'timestamp'");
        }

        @Test
        void enforcesLogBatchLimitsAndChangesNothingWhenRefused() throws Exception {
            String runId = run(experiment("batch"), Map.of()).at("/info/run_id").asText();

            assertBatchRefused(runId, metrics(1001), List.of(), List.of(), "at most 1000 metrics");
            assertBatchRefused(runId, List.of(), items(101, "p"), List.of(), "at most 100 params");
            assertBatchRefused(runId, List.of(), List.of(), items(101, "t"), "at most 100 tags");
            assertBatchRefused(runId, metrics(900), items(50, "p"), items(51, "t"), "at most 1000 metrics, params, and tags");
            JsonNode untouched = ok(get("runs/get", "run_id", runId)).json().at("/run/data");
            assertThat(untouched.has("metrics")).isFalse();
            assertThat(untouched.has("params")).isFalse();

            ok(post("runs/log-batch", Map.of("run_id", runId, "metrics", metrics(900), "params", items(50, "p"),
                    "tags", items(50, "t"))));
            JsonNode data = ok(get("runs/get", "run_id", runId)).json().at("/run/data");
            assertThat(data.get("metrics")).hasSize(900);
            assertThat(data.get("params")).hasSize(50);
            assertThat(data.get("tags")).hasSize(51);

            Answer conflict = post("runs/log-batch", Map.of("run_id", runId, "params", List.of(Map.of("key", "p1",
                    "value", "other")), "metrics", List.of(metric("late", 1, 1, 0))));
            assertThat(conflict.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(ok(get("metrics/get-history", "run_id", runId, "metric_key", "late")).json().has("metrics"))
                    .as("a refused batch logs nothing").isFalse();
        }

        private void assertBatchRefused(String runId, Object metrics, Object params, Object tags, String message)
                throws Exception {
            Answer answer = post("runs/log-batch", Map.of("run_id", runId, "metrics", metrics, "params", params, "tags", tags));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(answer.json().get("message").asText()).contains(message);
        }

        @Test
        void pagesExperimentsAndRunsWithTokens() throws Exception {
            for (int i = 0; i < 5; i++) {
                experiment("paged-" + i);
            }
            experiment("other");
            List<String> names = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("max_results", 2, "filter", "name LIKE 'paged-%'"));
                if (token != null) {
                    body.put("page_token", token);
                }
                JsonNode page = ok(post("experiments/search", body)).json();
                page.get("experiments").forEach(e -> names.add(e.get("name").asText()));
                token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
                pages++;
            } while (token != null);
            assertThat(pages).isEqualTo(3);
            assertThat(names).containsExactly("paged-4", "paged-3", "paged-2", "paged-1", "paged-0");
            JsonNode viaGet = ok(get("experiments/search", "max_results", "10", "filter", "name = 'other'")).json();
            assertThat(viaGet.get("experiments").findValuesAsText("name")).containsExactly("other");

            String experimentId = experiment("search-runs");
            for (int i = 0; i < 3; i++) {
                run(experimentId, Map.of("run_name", "r" + i, "start_time", 100 + i,
                        "tags", List.of(Map.of("key", "kind", "value", i == 1 ? "odd" : "even"))));
            }
            JsonNode first = ok(post("runs/search", Map.of("experiment_ids", List.of(experimentId), "max_results", 2))).json();
            assertThat(first.get("runs").findValuesAsText("run_name")).containsExactly("r2", "r1");
            JsonNode second = ok(post("runs/search", Map.of("experiment_ids", List.of(experimentId), "max_results", 2,
                    "page_token", first.get("next_page_token").asText()))).json();
            assertThat(second.get("runs").findValuesAsText("run_name")).containsExactly("r0");
            assertThat(second.has("next_page_token")).isFalse();
            JsonNode filtered = ok(post("runs/search", Map.of("experiment_ids", List.of(experimentId),
                    "filter", "tags.kind = 'even' and attributes.run_name != 'r0'"))).json();
            assertThat(filtered.get("runs").findValuesAsText("run_name")).containsExactly("r2");
            Answer unsupported = post("runs/search", Map.of("experiment_ids", List.of(experimentId),
                    "filter", "tags.kind = 'odd' OR tags.kind = 'even'"));
            assertThat(unsupported.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            Answer badToken = post("runs/search", Map.of("experiment_ids", List.of(experimentId), "page_token", "%%%"));
            assertThat(badToken.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            Answer tooMany = post("runs/search", Map.of("experiment_ids", List.of(experimentId), "max_results", 50_001));
            assertThat(tooMany.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        }

        @Test
        void answersUnknownPathsMethodsAndContentTypesAsMlflow() throws Exception {
            Answer unknown = get("experiments/nope");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
            Answer wrongMethod = get("runs/create");
            assertThat(wrongMethod.status()).isEqualTo(405);
            Answer withoutType = send("POST", "/api/2.0/mlflow/experiments/create",
                    "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(withoutType.status()).isEqualTo(400);
            assertThat(withoutType.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(withoutType.json().get("message").asText()).contains("Content-Type");
            Answer unknownFields = post("experiments/create", Map.of("name", "extra", "not_a_field", 7));
            assertThat(unknownFields.status()).isEqualTo(200);
            assertThat(new String(ok(send("GET", "/version", null, Map.of())).body(), StandardCharsets.UTF_8))
                    .isEqualTo(MlflowTestServer.MLFLOW_VERSION);
        }
    }

    private static String tag(JsonNode data, String key) {
        for (JsonNode tag : data.get("tags")) {
            if (tag.get("key").asText().equals(key)) {
                return tag.get("value").asText();
            }
        }
        return null;
    }

    @Nested
    class Registry {
        @Test
        void versionsArePendingThenReady() throws Exception {
            mlflow.registrationDelay(Duration.ofMillis(1500));
            ok(post("registered-models/create", Map.of("name", "rater", "description", "rates movies")));
            JsonNode created = ok(post("model-versions/create", Map.of("name", "rater", "source", "s3://models/rater/1",
                    "tags", List.of(Map.of("key", "k", "value", "v"))))).json().get("model_version");
            assertThat(created.get("version").asText()).isEqualTo("1");
            assertThat(created.get("status").asText()).isEqualTo("PENDING_REGISTRATION");
            assertThat(created.get("current_stage").asText()).isEqualTo("None");
            assertThat(created.get("source").asText()).isEqualTo("s3://models/rater/1");
            assertThat(ok(get("registered-models/get", "name", "rater")).json().at("/registered_model")
                    .has("latest_versions")).as("only READY versions count as latest").isFalse();

            String status = created.get("status").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int polls = 0;
            while (!status.equals("READY") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                status = ok(get("model-versions/get", "name", "rater", "version", "1")).json()
                        .at("/model_version/status").asText();
                polls++;
            }
            assertThat(status).isEqualTo("READY");
            assertThat(polls).isPositive();
            JsonNode model = ok(get("registered-models/get", "name", "rater")).json().get("registered_model");
            assertThat(model.get("description").asText()).isEqualTo("rates movies");
            assertThat(model.at("/latest_versions/0/version").asText()).isEqualTo("1");
            assertThat(ok(post("model-versions/create", Map.of("name", "rater", "source", "s3://models/rater/2"))).json()
                    .at("/model_version/version").asText()).isEqualTo("2");
        }

        @Test
        void handlesAliasesStagesAndDownloadUris() throws Exception {
            mlflow.registrationDelay(Duration.ZERO);
            String runId = run(experiment("reg"), Map.of()).at("/info/run_id").asText();
            ok(post("registered-models/create", Map.of("name", "rater")));
            for (int i = 0; i < 3; i++) {
                ok(post("model-versions/create", Map.of("name", "rater", "source", "runs:/" + runId + "/model",
                        "run_id", runId)));
            }
            ok(post("registered-models/alias", Map.of("name", "rater", "alias", "champion", "version", "2")));
            ok(post("registered-models/alias", Map.of("name", "rater", "alias", "challenger", "version", "3")));
            JsonNode byAlias = ok(get("registered-models/alias", "name", "rater", "alias", "champion")).json()
                    .get("model_version");
            assertThat(byAlias.get("version").asText()).isEqualTo("2");
            assertThat(byAlias.get("aliases").get(0).asText()).isEqualTo("champion");
            JsonNode model = ok(get("registered-models/get", "name", "rater")).json().get("registered_model");
            assertThat(model.get("aliases").findValuesAsText("alias")).containsExactly("challenger", "champion");
            assertThat(model.get("aliases").findValuesAsText("version")).containsExactly("3", "2");

            Answer reserved = post("registered-models/alias", Map.of("name", "rater", "alias", "v3", "version", "3"));
            assertThat(reserved.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            Answer noVersion = post("registered-models/alias", Map.of("name", "rater", "alias", "x", "version", "9"));
            assertThat(noVersion.status()).isEqualTo(404);
            ok(delete("registered-models/alias", Map.of("name", "rater", "alias", "challenger")));
            Answer noAlias = get("registered-models/alias", "name", "rater", "alias", "challenger");
            assertThat(noAlias.status()).isEqualTo(404);
            assertThat(noAlias.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");

            ok(post("model-versions/transition-stage", Map.of("name", "rater", "version", "1", "stage", "production",
                    "archive_existing_versions", false)));
            JsonNode promoted = ok(post("model-versions/transition-stage", Map.of("name", "rater", "version", "2",
                    "stage", "Production", "archive_existing_versions", true))).json().get("model_version");
            assertThat(promoted.get("current_stage").asText()).isEqualTo("Production");
            assertThat(ok(get("model-versions/get", "name", "rater", "version", "1")).json()
                    .at("/model_version/current_stage").asText()).isEqualTo("Archived");
            JsonNode latest = ok(get("registered-models/get-latest-versions", "name", "rater", "stages", "Production"))
                    .json();
            assertThat(latest.get("model_versions").findValuesAsText("version")).containsExactly("2");
            Answer badStage = post("model-versions/transition-stage", Map.of("name", "rater", "version", "2",
                    "stage", "Prod", "archive_existing_versions", false));
            assertThat(badStage.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");

            String location = ok(get("model-versions/get-download-uri", "name", "rater", "version", "2")).json()
                    .get("artifact_uri").asText();
            assertThat(location).as("runs:/ sources are resolved by clients").isEqualTo("runs:/" + runId + "/model");
            ok(post("model-versions/create", Map.of("name", "rater", "source", "models:/rater/2")));
            assertThat(ok(get("model-versions/get-download-uri", "name", "rater", "version", "4")).json()
                    .get("artifact_uri").asText()).isEqualTo(location);

            ok(delete("model-versions/delete", Map.of("name", "rater", "version", "2")));
            assertThat(ok(get("registered-models/get", "name", "rater")).json().at("/registered_model")
                    .has("aliases")).as("deleting a version drops its aliases").isFalse();
            Answer deleted = get("model-versions/get", "name", "rater", "version", "2");
            assertThat(deleted.status()).isEqualTo(404);
            assertThat(deleted.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            Answer notNumber = get("model-versions/get", "name", "rater", "version", "two");
            assertThat(notNumber.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            Answer local = post("model-versions/create", Map.of("name", "rater", "source", "/tmp/model"));
            assertThat(local.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        }

        @Test
        void createsUpdatesRenamesSearchesAndDeletesModels() throws Exception {
            for (String name : List.of("b-model", "a-model", "c-model")) {
                ok(post("registered-models/create", Map.of("name", name)));
            }
            Answer duplicate = post("registered-models/create", Map.of("name", "a-model"));
            assertThat(duplicate.status()).isEqualTo(400);
            assertThat(duplicate.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
            Answer noModel = post("model-versions/create", Map.of("name", "zzz", "source", "s3://x"));
            assertThat(noModel.status()).isEqualTo(404);

            JsonNode updated = ok(patch("registered-models/update", Map.of("name", "a-model", "description", "new")))
                    .json().get("registered_model");
            assertThat(updated.get("description").asText()).isEqualTo("new");
            ok(post("registered-models/set-tag", Map.of("name", "a-model", "key", "owner", "value", "me")));
            assertThat(ok(get("registered-models/get", "name", "a-model")).json().at("/registered_model/tags/0/value")
                    .asText()).isEqualTo("me");
            ok(delete("registered-models/delete-tag", Map.of("name", "a-model", "key", "owner")));

            JsonNode page1 = ok(get("registered-models/search", "max_results", "2")).json();
            assertThat(page1.get("registered_models").findValuesAsText("name")).containsExactly("a-model", "b-model");
            JsonNode page2 = ok(get("registered-models/search", "max_results", "2", "page_token",
                    page1.get("next_page_token").asText())).json();
            assertThat(page2.get("registered_models").findValuesAsText("name")).containsExactly("c-model");
            assertThat(page2.has("next_page_token")).isFalse();
            assertThat(get("registered-models/search", "max_results", "1001").errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");

            JsonNode renamed = ok(post("registered-models/rename", Map.of("name", "c-model", "new_name", "d-model")))
                    .json().get("registered_model");
            assertThat(renamed.get("name").asText()).isEqualTo("d-model");
            assertThat(get("registered-models/get", "name", "c-model").status()).isEqualTo(404);

            mlflow.registrationDelay(Duration.ZERO);
            for (int i = 0; i < 3; i++) {
                ok(post("model-versions/create", Map.of("name", "d-model", "source", "s3://m/" + i)));
            }
            JsonNode versions = ok(get("model-versions/search", "filter", "name='d-model'", "max_results", "2")).json();
            assertThat(versions.get("model_versions").findValuesAsText("version")).containsExactly("3", "2");
            JsonNode rest = ok(get("model-versions/search", "filter", "name='d-model'", "max_results", "2",
                    "page_token", versions.get("next_page_token").asText())).json();
            assertThat(rest.get("model_versions").findValuesAsText("version")).containsExactly("1");
            JsonNode described = ok(patch("model-versions/update", Map.of("name", "d-model", "version", "1",
                    "description", "first"))).json().get("model_version");
            assertThat(described.get("description").asText()).isEqualTo("first");
            ok(post("model-versions/set-tag", Map.of("name", "d-model", "version", "1", "key", "k", "value", "v")));
            assertThat(ok(get("model-versions/get", "name", "d-model", "version", "1")).json()
                    .at("/model_version/tags/0/key").asText()).isEqualTo("k");
            ok(delete("model-versions/delete-tag", Map.of("name", "d-model", "version", "1", "key", "k")));

            ok(delete("registered-models/delete", Map.of("name", "d-model")));
            Answer gone = get("registered-models/get", "name", "d-model");
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            assertThat(post("registered-models/update", Map.of("name", "a-model")).status()).as("update is PATCH")
                    .isEqualTo(405);
        }
    }

    @Nested
    class Artifacts {
        private Answer artifact(String method, String path, Object body) throws Exception {
            return send(method, "/api/2.0/mlflow-artifacts/artifacts/" + path, body, Map.of());
        }

        @Test
        void uploadsDownloadsListsAndDeletes() throws Exception {
            byte[] model = "weights".getBytes(StandardCharsets.UTF_8);
            ok(artifact("PUT", "1/abc/artifacts/model/model.pt", model));
            ok(artifact("PUT", "1/abc/artifacts/model/MLmodel", "flavors: {}".getBytes(StandardCharsets.UTF_8)));
            ok(artifact("PUT", "1/abc/artifacts/metrics.json", "{}".getBytes(StandardCharsets.UTF_8)));

            Answer download = ok(artifact("GET", "1/abc/artifacts/model/model.pt", null));
            assertThat(download.body()).isEqualTo(model);
            assertThat(download.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=model.pt");
            assertThat(mlflow.artifact("1/abc/artifacts/model/model.pt")).hasValueSatisfying(b -> assertThat(b).isEqualTo(model));

            JsonNode root = ok(send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=1/abc/artifacts", null, Map.of())).json();
            assertThat(root.get("files").findValuesAsText("path")).containsExactly("metrics.json", "model");
            assertThat(root.at("/files/0/is_dir").asBoolean()).isFalse();
            assertThat(root.at("/files/0/file_size").asLong()).isEqualTo(2);
            assertThat(root.at("/files/1/is_dir").asBoolean()).isTrue();
            assertThat(root.at("/files/1").has("file_size")).isFalse();
            JsonNode empty = ok(send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=9/none", null, Map.of())).json();
            assertThat(empty.has("files")).isFalse();

            ok(artifact("DELETE", "1/abc/artifacts/model", null));
            Answer missing = artifact("GET", "1/abc/artifacts/model/model.pt", null);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            Answer traversal = send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=1/../../etc", null, Map.of());
            assertThat(traversal.status()).isEqualTo(400);
            assertThat(traversal.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        }

        @Test
        void uploadsInPartsThroughTheUrlsItHandsOut() throws Exception {
            JsonNode created = ok(send("POST", "/api/2.0/mlflow-artifacts/mpu/create/1/abc/artifacts/model",
                    Map.of("path", "/tmp/local/model.bin", "num_parts", 2), Map.of())).json();
            String uploadId = created.get("upload_id").asText();
            assertThat(created.get("credentials")).hasSize(2);
            List<Map<String, Object>> parts = new ArrayList<>();
            byte[][] chunks = {"part-one|".getBytes(StandardCharsets.UTF_8), "part-two".getBytes(StandardCharsets.UTF_8)};
            for (JsonNode credential : created.get("credentials")) {
                int number = credential.get("part_number").asInt();
                HttpResponse<Void> put = HTTP.send(HttpRequest.newBuilder(URI.create(credential.get("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(chunks[number - 1])).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(put.statusCode()).isEqualTo(200);
                parts.add(Map.of("part_number", number, "etag", put.headers().firstValue("ETag").orElseThrow(),
                        "url", credential.get("url").asText()));
            }
            Answer badEtag = send("POST", "/api/2.0/mlflow-artifacts/mpu/complete/1/abc/artifacts/model",
                    Map.of("path", "/tmp/local/model.bin", "upload_id", uploadId,
                            "parts", List.of(Map.of("part_number", 1, "etag", "nope"))), Map.of());
            assertThat(badEtag.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            ok(send("POST", "/api/2.0/mlflow-artifacts/mpu/complete/1/abc/artifacts/model",
                    Map.of("path", "/tmp/local/model.bin", "upload_id", uploadId, "parts", parts), Map.of()));
            assertThat(new String(ok(send("GET", "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.bin",
                    null, Map.of())).body(), StandardCharsets.UTF_8)).isEqualTo("part-one|part-two");

            mlflow.multipartUploads(false);
            Answer unsupported = send("POST", "/api/2.0/mlflow-artifacts/mpu/create/1/abc/artifacts",
                    Map.of("path", "big.bin", "num_parts", 1), Map.of());
            assertThat(unsupported.status()).isEqualTo(501);
            assertThat(unsupported.errorCode()).isEqualTo("NOT_IMPLEMENTED");
        }
    }

    @Nested
    class ForTests {
        @Test
        void countsRequests() throws Exception {
            String experimentId = experiment("counted");
            run(experimentId, Map.of());
            run(experimentId, Map.of());
            get("experiments/get", "experiment_id", experimentId);

            assertThat(mlflow.requestCount("POST", "runs/create")).isEqualTo(2);
            assertThat(mlflow.requestCount("POST", "/api/2.0/mlflow/experiments/create")).isEqualTo(1);
            assertThat(mlflow.requestCount("GET", "experiments/get")).isEqualTo(1);
            assertThat(mlflow.requestCount("GET", "runs/create")).isZero();
            assertThat(mlflow.requests()).hasSize(4);
            assertThat(mlflow.requests().get(3).query()).isEqualTo("experiment_id=" + experimentId);
            mlflow.clearRequests();
            assertThat(mlflow.requests()).isEmpty();
        }

        @Test
        void serverErrorBeforeApplyingChangesNothing() throws Exception {
            mlflow.failNext("experiments/create", 2, Fault.serverError(503));
            Answer first = post("experiments/create", Map.of("name", "flaky"));
            assertThat(first.status()).isEqualTo(503);
            assertThat(first.errorCode()).isEqualTo("TEMPORARILY_UNAVAILABLE");
            assertThat(post("experiments/create", Map.of("name", "flaky")).status()).isEqualTo(503);
            assertThat(get("experiments/get-by-name", "experiment_name", "flaky").status()).isEqualTo(404);
            assertThat(mlflow.pendingFaults()).isZero();
            ok(post("experiments/create", Map.of("name", "flaky")));
            assertThat(mlflow.requestCount("POST", "experiments/create")).isEqualTo(3);
        }

        @Test
        void lostResponseAfterApplyingLeavesTheChangeInPlace() throws Exception {
            String experimentId = experiment("lost");
            mlflow.failNext("runs/create", 1, Fault.disconnect().afterApplying());
            assertThatThrownBy(() -> post("runs/create", Map.of("experiment_id", experimentId, "run_name", "once")))
                    .isInstanceOf(IOException.class);
            JsonNode found = ok(post("runs/search", Map.of("experiment_ids", List.of(experimentId),
                    "filter", "attributes.run_name = 'once'"))).json();
            assertThat(found.get("runs")).as("the run was created though the answer was lost").hasSize(1);

            mlflow.failNext("registered-models/create", 1, Fault.serverError(500).afterApplying());
            Answer failed = post("registered-models/create", Map.of("name", "half"));
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.errorCode()).isEqualTo("INTERNAL_ERROR");
            assertThat(post("registered-models/create", Map.of("name", "half")).errorCode())
                    .isEqualTo("RESOURCE_ALREADY_EXISTS");
        }

        @Test
        void disconnectBeforeApplyingCreatesNothing() throws Exception {
            mlflow.failNext("experiments/create", 1, Fault.disconnect());
            assertThatThrownBy(() -> post("experiments/create", Map.of("name", "never"))).isInstanceOf(IOException.class);
            assertThat(get("experiments/get-by-name", "experiment_name", "never").status()).isEqualTo(404);
        }

        @Test
        void delaysLongerThanTheClientWaits() throws Exception {
            String experimentId = experiment("slow");
            mlflow.failNext("experiments/get", 1, Fault.delay(Duration.ofSeconds(3)));
            HttpRequest request = HttpRequest.newBuilder(URI.create(mlflow.trackingUri()
                    + "/api/2.0/mlflow/experiments/get?experiment_id=" + experimentId)).timeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);
            ok(get("experiments/get", "experiment_id", experimentId));
        }

        @Test
        void failsAnyPathWhenNoneIsGiven() throws Exception {
            mlflow.failNext(1, Fault.serverError(502));
            assertThat(get("experiments/get", "experiment_id", "0").status()).isEqualTo(502);
            ok(get("experiments/get", "experiment_id", "0"));
            assertThatThrownBy(() -> mlflow.failNext("runs/create", 0, Fault.disconnect()))
                    .isInstanceOf(ValidationException.class);
            assertThatThrownBy(() -> Fault.serverError(404)).isInstanceOf(ValidationException.class);
            assertThat(Fault.disconnect().afterApplying().toString()).isEqualTo("Fault.disconnect().afterApplying()");
        }

        @Test
        void requiresTokenOrBasicCredentials() throws Exception {
            mlflow.requireToken("s3cret");
            Answer anonymous = get("experiments/get", "experiment_id", "0");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.errorCode()).isEqualTo("UNAUTHENTICATED");
            assertThat(send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", null,
                    Map.of("Authorization", "Bearer wrong")).status()).isEqualTo(401);
            ok(send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", null, Map.of("Authorization", "Bearer s3cret")));
            ok(send("GET", "/health", null, Map.of()));

            mlflow.requireBasicAuth("ana", "pw");
            String basic = "Basic " + Base64.getEncoder().encodeToString("ana:pw".getBytes(StandardCharsets.UTF_8));
            ok(send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", null, Map.of("Authorization", basic)));
            Answer refused = send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", null,
                    Map.of("Authorization", "Bearer s3cret"));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"mlflow\"");
            mlflow.allowAnonymous();
            ok(get("experiments/get", "experiment_id", "0"));
        }
    }

    /** The extension gives every test of a class the same running server. */
    @Nested
    class Extension {
        @RegisterExtension
        final MlflowExtension extension = new MlflowExtension();

        @Test
        void resolvesTheServer(MlflowTestServer server) throws Exception {
            assertThat(server).isSameAs(extension.server());
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(server.trackingUri() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("OK");
        }
    }
}
