package dev.mlops.testkit.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.Nullable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The state and the endpoints of the test server: MLflow's tracking service, model registry and
 * artifact proxy, kept in memory. Every request runs under this object's lock, so the state is
 * always consistent and each request sees the effects of those before it.
 */
final class MlflowApi {
    static final String API = "/api/2.0/mlflow/";
    static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/";
    static final String PROXY_ROOT = "mlflow-artifacts:";
    static final String RUN_NAME_TAG = "mlflow.runName";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keys of metrics, params and tags: alphanumerics, underscores, periods, dashes, spaces and slashes. */
    private static final Pattern VALID_KEY = Pattern.compile("^[/\\w.\\- ]*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ALIAS = Pattern.compile("^[\\w\\-]*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern VERSION_ALIAS = Pattern.compile("^[vV]\\d+$");
    private static final Pattern MODELS_URI = Pattern.compile("^models:/([^/]+)/(\\d+)/?$");
    private static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");
    private static final List<String> RUN_STATUSES = List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED");
    private static final List<String> VIEW_TYPES = List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL");
    private static final int MAX_KEY_LENGTH = 250;
    private static final int MAX_PARAM_VALUE_LENGTH = 6000;
    private static final int MAX_TAG_VALUE_LENGTH = 5000;
    private static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
    private static final int MAX_BATCH_BYTES = 1_000_000;
    private static final String[] NAME_WORDS_1 = {"bold", "calm", "eager", "gentle", "keen", "lucky", "merry", "quiet",
        "rare", "swift", "tidy", "vivid"};
    private static final String[] NAME_WORDS_2 = {"ant", "bee", "crow", "deer", "eel", "fox", "gull", "hare", "lynx",
        "mole", "owl", "wren"};

    /** One HTTP request as the server read it. */
    record Request(String method, String path, @Nullable String query, Map<String, List<String>> queryParams,
            @Nullable String contentType, byte[] body) {
    }

    /** One HTTP answer, built before anything is sent so that a fault can replace it. */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, JsonNode body) {
            try {
                return new Reply(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
            }
        }

        static Reply error(MlflowError error) {
            ObjectNode body = JSON.createObjectNode();
            body.put("error_code", error.code());
            body.put("message", error.getMessage());
            return json(error.status(), body);
        }
    }

    private interface Handler {
        JsonNode apply(Params params);
    }

    // ----- state -----

    private static final class Experiment {
        final String id;
        String name;
        final String artifactLocation;
        String lifecycle = "active";
        final long created;
        long updated;
        final Map<String, String> tags = new LinkedHashMap<>();

        Experiment(String id, String name, String artifactLocation, long created) {
            this.id = id;
            this.name = name;
            this.artifactLocation = artifactLocation;
            this.created = created;
            this.updated = created;
        }
    }

    private record Metric(String key, double value, long timestamp, long step) {
    }

    private static final class Run {
        final String id;
        final String experimentId;
        final long sequence;
        String name;
        final String userId;
        String status = "RUNNING";
        final long start;
        @Nullable Long end;
        final String artifactUri;
        String lifecycle = "active";
        boolean deletedWithExperiment;
        final List<Metric> history = new ArrayList<>();
        final Map<String, Metric> latest = new LinkedHashMap<>();
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();

        Run(String id, String experimentId, long sequence, String name, String userId, long start, String artifactUri) {
            this.id = id;
            this.experimentId = experimentId;
            this.sequence = sequence;
            this.name = name;
            this.userId = userId;
            this.start = start;
            this.artifactUri = artifactUri;
        }
    }

    private static final class RegisteredModel {
        String name;
        final long created;
        long updated;
        @Nullable String description;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Integer> aliases = new TreeMap<>();
        final TreeMap<Integer, ModelVersion> versions = new TreeMap<>();
        int lastVersion;

        RegisteredModel(String name, long created) {
            this.name = name;
            this.created = created;
            this.updated = created;
        }
    }

    private static final class ModelVersion {
        final int version;
        final long created;
        long updated;
        String stage = "None";
        @Nullable String description;
        final String source;
        @Nullable final String runId;
        @Nullable final String runLink;
        final String storageLocation;
        final long readyAtNanos;
        final Map<String, String> tags = new LinkedHashMap<>();

        ModelVersion(int version, long created, String source, @Nullable String runId, @Nullable String runLink,
                String storageLocation, long readyAtNanos) {
            this.version = version;
            this.created = created;
            this.updated = created;
            this.source = source;
            this.runId = runId;
            this.runLink = runLink;
            this.storageLocation = storageLocation;
            this.readyAtNanos = readyAtNanos;
        }

        boolean ready() {
            return System.nanoTime() - readyAtNanos >= 0;
        }
    }

    private static final class Upload {
        final String path;
        final int parts;
        final Map<Integer, byte[]> received = new TreeMap<>();

        Upload(String path, int parts) {
            this.path = path;
            this.parts = parts;
        }
    }

    private final Map<String, Experiment> experiments = new LinkedHashMap<>();
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, RegisteredModel> models = new TreeMap<>();
    private final TreeMap<String, byte[]> artifacts = new TreeMap<>();
    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private final Supplier<String> baseUri;
    private long nextExperimentId = 1;
    private long runSequence;
    private volatile Duration registrationDelay;
    private volatile boolean multipartUploads = true;
    /** {@code mlflow-artifacts:} when the proxy serves artifacts, else the root clients write to themselves. */
    private final String artifactRoot;
    /** Told of each registry change by its webhook event name ({@code model_version.created}...) and payload. */
    private final BiConsumer<String, Map<String, Object>> registryEvents;

    MlflowApi(Supplier<String> baseUri, Duration registrationDelay, String artifactRoot,
            BiConsumer<String, Map<String, Object>> registryEvents) {
        this.baseUri = baseUri;
        this.registryEvents = registryEvents;
        this.registrationDelay = registrationDelay;
        this.artifactRoot = artifactRoot;
        long now = System.currentTimeMillis();
        experiments.put("0", new Experiment("0", "Default", artifactRoot + "/0", now));
        tracking();
        registry();
    }

    void registrationDelay(Duration delay) {
        this.registrationDelay = delay;
    }

    void multipartUploads(boolean supported) {
        this.multipartUploads = supported;
    }

    synchronized Optional<byte[]> artifact(String path) {
        byte[] content = artifacts.get(path);
        return content == null ? Optional.empty() : Optional.of(content.clone());
    }

    private void route(String method, String endpoint, Handler handler) {
        routes.computeIfAbsent(endpoint, k -> new LinkedHashMap<>()).put(method, handler);
    }

    /** A webhook payload: keys and values in order, as MLflow's payload types list them. */
    private static Map<String, Object> payload(Object... keysAndValues) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            payload.put((String) keysAndValues[i], value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value);
        }
        return payload;
    }

    // ----- dispatch -----

    /** Answers one request; never throws for bad input, which gets MLflow's error JSON. */
    synchronized Reply handle(Request request) {
        try {
            if (request.path().startsWith(API)) {
                return api(request, request.path().substring(API.length()));
            }
            if (request.path().startsWith(ARTIFACTS)) {
                if (!artifactRoot.startsWith(PROXY_ROOT)) {
                    return new Reply(503, "text/html; charset=utf-8", ("Endpoint: " + request.path() + " disabled due to the"
                            + " mlflow server running with `--no-serve-artifacts`. To enable artifacts server functionality,"
                            + " run `mlflow server` with `--serve-artifacts`").getBytes(StandardCharsets.UTF_8), Map.of());
                }
                return artifactsApi(request, request.path().substring(ARTIFACTS.length()));
            }
            if (request.path().equals("/health") && request.method().equals("GET")) {
                return new Reply(200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.UTF_8), Map.of());
            }
            if (request.path().equals("/version") && request.method().equals("GET")) {
                return new Reply(200, "text/plain; charset=utf-8",
                        MlflowTestServer.MLFLOW_VERSION.getBytes(StandardCharsets.UTF_8), Map.of());
            }
            throw noEndpoint(request);
        } catch (MlflowError e) {
            return Reply.error(e);
        }
    }

    private Reply api(Request request, String endpoint) {
        Map<String, Handler> methods = routes.get(endpoint);
        if (methods == null) {
            throw noEndpoint(request);
        }
        Handler handler = methods.get(request.method());
        if (handler == null) {
            throw new MlflowError("ENDPOINT_NOT_FOUND", 405, "Method " + request.method() + " is not allowed for "
                    + request.path() + "; allowed: " + String.join(", ", methods.keySet()));
        }
        return Reply.json(200, handler.apply(params(request, true)));
    }

    private static MlflowError noEndpoint(Request request) {
        return new MlflowError("ENDPOINT_NOT_FOUND", "No API endpoint " + request.method() + " " + request.path());
    }

    /** The request's fields: the query string of a GET, the JSON body of anything else. */
    private static Params params(Request request, boolean checkContentType) {
        if (request.method().equals("GET")) {
            ObjectNode fields = JSON.createObjectNode();
            request.queryParams().forEach((name, values) -> {
                if (values.size() == 1 && !isRepeated(name)) {
                    fields.put(name, values.get(0));
                } else {
                    ArrayNode array = fields.putArray(name);
                    values.forEach(array::add);
                }
            });
            return new Params(fields);
        }
        if (checkContentType && request.method().equals("POST")) {
            String type = request.contentType() == null ? null : request.contentType().split(";")[0].trim();
            if (!"application/json".equalsIgnoreCase(type)) {
                throw MlflowError.invalid("Bad Request. Content-Type must be one of [application/json]."
                        + (type == null ? "" : " Got '" + type + "'."));
            }
        }
        if (request.body().length == 0) {
            return new Params(JSON.createObjectNode());
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (java.io.IOException e) {
            throw MlflowError.invalid("Malformed JSON in the request body: " + e.getMessage());
        }
        if (body == null || body.isNull()) {
            return new Params(JSON.createObjectNode());
        }
        if (!body.isObject()) {
            throw MlflowError.invalid("The request body must be a JSON object, was " + body.getNodeType());
        }
        return new Params((ObjectNode) body);
    }

    private static boolean isRepeated(String field) {
        return field.equals("experiment_ids") || field.equals("order_by") || field.equals("stages")
                || field.equals("run_ids");
    }

    // ----- tracking -----

    private void tracking() {
        route("POST", "experiments/create", this::createExperiment);
        route("GET", "experiments/get", p -> wrap("experiment", experimentJson(experiment(p.required("experiment_id")))));
        route("GET", "experiments/get-by-name", this::experimentByName);
        route("GET", "experiments/search", this::searchExperiments);
        route("POST", "experiments/search", this::searchExperiments);
        route("POST", "experiments/delete", p -> lifecycle(experiment(p.required("experiment_id")), "deleted"));
        route("POST", "experiments/restore", p -> lifecycle(experiment(p.required("experiment_id")), "active"));
        route("POST", "experiments/update", this::updateExperiment);
        route("POST", "experiments/set-experiment-tag", this::setExperimentTag);
        route("POST", "experiments/delete-experiment-tag", this::deleteExperimentTag);
        route("POST", "runs/create", this::createRun);
        route("GET", "runs/get", p -> wrap("run", runJson(run(p.requiredEither("run_id", "run_uuid")))));
        route("POST", "runs/update", this::updateRun);
        route("POST", "runs/delete", p -> runLifecycle(run(p.required("run_id")), "deleted"));
        route("POST", "runs/restore", p -> runLifecycle(run(p.required("run_id")), "active"));
        route("POST", "runs/log-metric", this::logMetric);
        route("POST", "runs/log-parameter", this::logParam);
        route("POST", "runs/set-tag", this::setTag);
        route("POST", "runs/delete-tag", this::deleteTag);
        route("POST", "runs/log-batch", this::logBatch);
        route("POST", "runs/search", this::searchRuns);
        route("GET", "metrics/get-history", this::metricHistory);
    }

    private JsonNode createExperiment(Params p) {
        String name = p.required("name");
        if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
            throw MlflowError.invalid("Experiment name exceeds the maximum length of " + MAX_EXPERIMENT_NAME_LENGTH
                    + " characters");
        }
        if (experiments.values().stream().anyMatch(e -> e.name.equals(name))) {
            throw MlflowError.exists("Experiment(name=" + name + ") already exists.");
        }
        Map<String, String> tags = tags(p, MAX_TAG_VALUE_LENGTH);
        String location = p.string("artifact_location");
        if (location != null && location.startsWith("runs:")) {
            throw MlflowError.invalid("Artifact location cannot be a runs:/ URI. Given: '" + location + "'");
        }
        String id = Long.toString(nextExperimentId++);
        Experiment experiment = new Experiment(id, name, location == null || location.isEmpty()
                ? artifactRoot + "/" + id : location, System.currentTimeMillis());
        experiment.tags.putAll(tags);
        experiments.put(id, experiment);
        return obj().put("experiment_id", id);
    }

    private Experiment experiment(String id) {
        Experiment experiment = experiments.get(id);
        if (experiment == null) {
            throw MlflowError.notFound("No Experiment with id=" + id + " exists");
        }
        return experiment;
    }

    private static Experiment active(Experiment experiment) {
        if (!experiment.lifecycle.equals("active")) {
            throw MlflowError.invalid("The experiment " + experiment.id + " must be in the 'active' state. Current state is "
                    + experiment.lifecycle + ".");
        }
        return experiment;
    }

    private JsonNode experimentByName(Params p) {
        String name = p.required("experiment_name");
        Experiment found = null;
        for (Experiment e : experiments.values()) {
            if (e.name.equals(name) && (found == null || e.lifecycle.equals("active"))) {
                found = e;
            }
        }
        if (found == null) {
            throw MlflowError.notFound("Could not find experiment with name '" + name + "'");
        }
        return wrap("experiment", experimentJson(found));
    }

    private JsonNode searchExperiments(Params p) {
        String view = viewType(p, "view_type");
        int maxResults = maxResults(p, 1000, 50_000);
        SearchFilter filter = SearchFilter.parse(p.string("filter"));
        List<Experiment> matching = experiments.values().stream()
                .filter(e -> inView(e.lifecycle, view))
                .filter(e -> filter.matches((type, key) -> type.equals("tags") ? e.tags.get(key)
                        : key.equals("name") ? e.name : key.equals("experiment_id") ? e.id
                        : key.equals("creation_time") ? (Object) (double) e.created
                        : key.equals("last_update_time") ? (Object) (double) e.updated : null))
                .sorted(Comparator.comparingLong((Experiment e) -> e.created).thenComparingLong(e -> Long.parseLong(e.id))
                        .reversed())
                .collect(Collectors.toList());
        return page(matching, p, maxResults, "experiments", this::experimentJson);
    }

    private JsonNode lifecycle(Experiment experiment, String stage) {
        if (experiment.lifecycle.equals(stage)) {
            throw MlflowError.invalid("Cannot " + (stage.equals("deleted") ? "delete" : "restore") + " experiment "
                    + experiment.id + ": it is already " + stage);
        }
        experiment.lifecycle = stage;
        experiment.updated = System.currentTimeMillis();
        for (Run run : runs.values()) {
            if (run.experimentId.equals(experiment.id)) {
                if (stage.equals("deleted") && run.lifecycle.equals("active")) {
                    run.lifecycle = "deleted";
                    run.deletedWithExperiment = true;
                } else if (stage.equals("active") && run.deletedWithExperiment) {
                    run.lifecycle = "active";
                    run.deletedWithExperiment = false;
                }
            }
        }
        return obj();
    }

    private JsonNode updateExperiment(Params p) {
        Experiment experiment = experiment(p.required("experiment_id"));
        String newName = p.required("new_name");
        active(experiment);
        if (experiments.values().stream().anyMatch(e -> e != experiment && e.name.equals(newName))) {
            throw MlflowError.exists("Experiment(name=" + newName + ") already exists.");
        }
        experiment.name = newName;
        experiment.updated = System.currentTimeMillis();
        return obj();
    }

    private JsonNode setExperimentTag(Params p) {
        Experiment experiment = active(experiment(p.required("experiment_id")));
        String key = p.required("key");
        String value = valueOf(p.string("value"));
        checkKey("tag", key);
        checkLength("Tag value", value, MAX_TAG_VALUE_LENGTH);
        experiment.tags.put(key, value);
        experiment.updated = System.currentTimeMillis();
        return obj();
    }

    private JsonNode deleteExperimentTag(Params p) {
        Experiment experiment = active(experiment(p.required("experiment_id")));
        String key = p.required("key");
        if (experiment.tags.remove(key) == null) {
            throw MlflowError.notFound("No tag with name: " + key + " in experiment with id " + experiment.id);
        }
        return obj();
    }

    private JsonNode createRun(Params p) {
        Experiment experiment = active(experiment(p.required("experiment_id")));
        Map<String, String> tags = tags(p, MAX_TAG_VALUE_LENGTH);
        String name = p.string("run_name");
        String tagged = tags.get(RUN_NAME_TAG);
        if (name != null && !name.isEmpty() && tagged != null && !tagged.equals(name)) {
            throw MlflowError.invalid("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with"
                    + " different values (run_name='" + name + "', mlflow.runName='" + tagged + "').");
        }
        if (name == null || name.isEmpty()) {
            name = tagged != null ? tagged : generatedName();
        }
        Long start = p.longValue("start_time");
        String id = UUID.randomUUID().toString().replace("-", "");
        Run run = new Run(id, experiment.id, runSequence++, name, valueOf(p.string("user_id")),
                start == null ? System.currentTimeMillis() : start, experiment.artifactLocation + "/" + id + "/artifacts");
        run.tags.putAll(tags);
        run.tags.put(RUN_NAME_TAG, name);
        runs.put(id, run);
        return wrap("run", runJson(run));
    }

    private static String generatedName() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return NAME_WORDS_1[random.nextInt(NAME_WORDS_1.length)] + "-" + NAME_WORDS_2[random.nextInt(NAME_WORDS_2.length)]
                + "-" + random.nextInt(1000);
    }

    private Run run(String id) {
        Run run = runs.get(id);
        if (run == null) {
            throw MlflowError.notFound("Run with id=" + id + " not found");
        }
        return run;
    }

    private static Run active(Run run) {
        if (!run.lifecycle.equals("active")) {
            throw MlflowError.invalid("The run " + run.id + " must be in the 'active' state. Current state is "
                    + run.lifecycle + ".");
        }
        return run;
    }

    private JsonNode updateRun(Params p) {
        Run run = active(run(p.requiredEither("run_id", "run_uuid")));
        String status = null;
        if (p.has("status")) {
            status = runStatus(p.node().get("status"));
        }
        Long end = p.longValue("end_time");
        String name = p.string("run_name");
        if (status != null) {
            run.status = status;
        }
        if (end != null) {
            run.end = end;
        }
        if (name != null && !name.isEmpty()) {
            run.name = name;
            run.tags.put(RUN_NAME_TAG, name);
        }
        return wrap("run_info", runInfoJson(run));
    }

    private static String runStatus(JsonNode value) {
        if (value.isTextual() && RUN_STATUSES.contains(value.asText())) {
            return value.asText();
        }
        if (value.isInt() && value.asInt() >= 1 && value.asInt() <= RUN_STATUSES.size()) {
            return RUN_STATUSES.get(value.asInt() - 1);
        }
        throw MlflowError.invalid("Invalid value " + value + " for parameter 'status' supplied; it must be one of "
                + RUN_STATUSES);
    }

    private JsonNode runLifecycle(Run run, String stage) {
        if (stage.equals("active")) {
            active(experiment(run.experimentId));
        }
        run.lifecycle = stage;
        run.deletedWithExperiment = false;
        return obj();
    }

    private JsonNode logMetric(Params p) {
        Run run = run(p.requiredEither("run_id", "run_uuid"));
        Metric metric = metric(p, "");
        active(run);
        record(run, metric);
        return obj();
    }

    private static Metric metric(Params p, String path) {
        String key = p.string("key");
        if (key == null || key.isEmpty()) {
            throw Params.missing(path + "key");
        }
        if (!p.has("value")) {
            throw Params.missing(path + "value");
        }
        JsonNode rawValue = p.node().get("value");
        if (rawValue.isBoolean()) {
            throw MlflowError.invalid("Got invalid value " + rawValue + " for metric '" + key + "'. Please specify value"
                    + " as a valid double (64-bit floating point)");
        }
        double value = Params.number(path + "value", rawValue);
        if (!p.has("timestamp")) {
            throw Params.missing(path + "timestamp");
        }
        long timestamp = p.requiredLong("timestamp");
        Long step = p.longValue("step");
        checkKey("metric", key);
        if (timestamp < 0) {
            throw MlflowError.invalid("Got invalid timestamp " + timestamp + " for metric '" + key + "' (value=" + value
                    + "). Timestamp must be a nonnegative long (64-bit integer) ");
        }
        return new Metric(key, value, timestamp, step == null ? 0 : step);
    }

    private static void record(Run run, Metric metric) {
        run.history.add(metric);
        Metric latest = run.latest.get(metric.key());
        if (latest == null || Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
                .thenComparingDouble(Metric::value).compare(metric, latest) >= 0) {
            run.latest.put(metric.key(), metric);
        }
    }

    private JsonNode logParam(Params p) {
        Run run = run(p.requiredEither("run_id", "run_uuid"));
        String key = p.required("key");
        String value = valueOf(p.string("value"));
        checkKey("parameter", key);
        checkLength("Param value", value, MAX_PARAM_VALUE_LENGTH);
        active(run);
        checkParam(run, key, value);
        run.params.put(key, value);
        return obj();
    }

    private static void checkParam(Run run, String key, String value) {
        String old = run.params.get(key);
        if (old != null && !old.equals(value)) {
            throw MlflowError.invalid("Changing param values is not allowed. Param with key='" + key + "' was already"
                    + " logged with value='" + old + "' for run ID='" + run.id + "'. Attempted logging new value '"
                    + value + "'.");
        }
    }

    private JsonNode setTag(Params p) {
        Run run = run(p.requiredEither("run_id", "run_uuid"));
        String key = p.required("key");
        String value = valueOf(p.string("value"));
        checkKey("tag", key);
        checkLength("Tag value", value, MAX_TAG_VALUE_LENGTH);
        active(run);
        setRunTag(run, key, value);
        return obj();
    }

    private static void setRunTag(Run run, String key, String value) {
        run.tags.put(key, value);
        if (key.equals(RUN_NAME_TAG)) {
            run.name = value;
        }
    }

    private JsonNode deleteTag(Params p) {
        Run run = active(run(p.required("run_id")));
        String key = p.required("key");
        if (run.tags.remove(key) == null) {
            throw MlflowError.notFound("No tag with name: " + key + " in run with id " + run.id);
        }
        return obj();
    }

    private JsonNode logBatch(Params p) {
        if (p.node().toString().getBytes(StandardCharsets.UTF_8).length > MAX_BATCH_BYTES) {
            throw MlflowError.invalid("Batched logging API requests must be at most " + MAX_BATCH_BYTES + " bytes");
        }
        String runId = p.required("run_id");
        List<Params> metricFields = p.objects("metrics");
        List<Params> paramFields = p.objects("params");
        List<Params> tagFields = p.objects("tags");
        batchLimit("metrics", 1000, metricFields.size());
        batchLimit("params", 100, paramFields.size());
        batchLimit("tags", 100, tagFields.size());
        batchLimit("metrics, params, and tags", 1000, metricFields.size() + paramFields.size() + tagFields.size());
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < metricFields.size(); i++) {
            metrics.add(metric(metricFields.get(i), "metrics[" + i + "]."));
        }
        Map<String, String> params = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (int i = 0; i < paramFields.size(); i++) {
            String key = paramFields.get(i).string("key");
            if (key == null || key.isEmpty()) {
                throw Params.missing("params[" + i + "].key");
            }
            String value = valueOf(paramFields.get(i).string("value"));
            checkKey("parameter", key);
            checkLength("Param value", value, MAX_PARAM_VALUE_LENGTH);
            if (params.put(key, value) != null) {
                duplicates.add(key);
            }
        }
        if (!duplicates.isEmpty()) {
            throw MlflowError.invalid("Duplicate parameter keys have been submitted: " + duplicates + ". Please ensure"
                    + " the request contains only one param value per param key.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < tagFields.size(); i++) {
            String key = tagFields.get(i).string("key");
            if (key == null || key.isEmpty()) {
                throw Params.missing("tags[" + i + "].key");
            }
            String value = valueOf(tagFields.get(i).string("value"));
            checkKey("tag", key);
            checkLength("Tag value", value, MAX_TAG_VALUE_LENGTH);
            tags.put(key, value);
        }
        Run run = active(run(runId));
        params.forEach((key, value) -> checkParam(run, key, value));
        metrics.forEach(metric -> record(run, metric));
        run.params.putAll(params);
        tags.forEach((key, value) -> setRunTag(run, key, value));
        return obj();
    }

    private static void batchLimit(String what, int limit, int count) {
        if (count > limit) {
            throw MlflowError.invalid("A batch logging request can contain at most " + limit + " " + what + ". Got "
                    + count + " " + what + ". Please split up " + what + " across multiple requests and try again.");
        }
    }

    private JsonNode searchRuns(Params p) {
        List<String> experimentIds = p.strings("experiment_ids");
        String view = viewType(p, "run_view_type");
        int maxResults = maxResults(p, 1000, 50_000);
        SearchFilter filter = SearchFilter.parse(p.string("filter"));
        Comparator<Run> order = runOrder(p.strings("order_by"));
        List<Run> matching = runs.values().stream()
                .filter(r -> experimentIds.contains(r.experimentId) && inView(r.lifecycle, view))
                .filter(r -> filter.matches((type, key) -> runValue(r, type, key)))
                .sorted(order)
                .collect(Collectors.toList());
        return page(matching, p, maxResults, "runs", this::runJson);
    }

    @Nullable
    private static Object runValue(Run run, String type, String key) {
        switch (type) {
            case "tags":
                return run.tags.get(key);
            case "params":
                return run.params.get(key);
            case "metrics":
                Metric metric = run.latest.get(key);
                return metric == null ? null : (Object) metric.value();
            default:
                switch (key) {
                    case "run_name":
                        return run.name;
                    case "run_id":
                        return run.id;
                    case "status":
                        return run.status;
                    case "user_id":
                        return run.userId;
                    case "artifact_uri":
                        return run.artifactUri;
                    case "start_time":
                        return (double) run.start;
                    case "end_time":
                        return run.end == null ? null : (Object) (double) run.end;
                    default:
                        throw MlflowError.invalid("Invalid attribute key '" + key + "' specified. Valid keys are"
                                + " run_name, run_id, status, user_id, artifact_uri, start_time, end_time");
                }
        }
    }

    /** MLflow's default order (start time, newest first, then run id) after the requested columns. */
    private static Comparator<Run> runOrder(List<String> orderBy) {
        Comparator<Run> order = null;
        for (String column : orderBy) {
            String[] words = column.trim().split("\\s+");
            boolean descending = words.length > 1 && words[words.length - 1].equalsIgnoreCase("DESC");
            boolean ascending = words.length > 1 && words[words.length - 1].equalsIgnoreCase("ASC");
            String identifier = String.join(" ", java.util.Arrays.copyOf(words, words.length - (descending || ascending ? 1 : 0)));
            int dot = identifier.indexOf('.');
            String type = dot < 0 ? "attributes" : identifier.substring(0, dot).toLowerCase(Locale.ROOT);
            String key = (dot < 0 ? identifier : identifier.substring(dot + 1)).replaceAll("^[\"`]|[\"`]$", "");
            String kind = type.startsWith("attr") || type.equals("run") ? "attributes" : type.startsWith("tag") ? "tags"
                    : type.startsWith("param") ? "params" : type.startsWith("metric") ? "metrics" : null;
            if (kind == null) {
                throw MlflowError.invalid("Invalid order_by clause '" + column + "'");
            }
            Comparator<Run> one = Comparator.comparing((Run r) -> comparable(runValue(r, kind, key)),
                    Comparator.nullsLast(descending ? Comparator.<Comparable<Object>>reverseOrder()
                            : Comparator.<Comparable<Object>>naturalOrder()));
            order = order == null ? one : order.thenComparing(one);
        }
        Comparator<Run> fallback = Comparator.comparingLong((Run r) -> r.start).reversed().thenComparing(r -> r.id);
        return order == null ? fallback : order.thenComparing(fallback);
    }

    @SuppressWarnings("unchecked")
    @Nullable
    private static Comparable<Object> comparable(@Nullable Object value) {
        return (Comparable<Object>) value;
    }

    private JsonNode metricHistory(Params p) {
        Run run = run(p.requiredEither("run_id", "run_uuid"));
        String key = p.required("metric_key");
        List<Metric> history = run.history.stream().filter(m -> m.key().equals(key)).collect(Collectors.toList());
        Long max = p.longValue("max_results");
        if (max == null && p.string("page_token") == null) {
            return page(history, p, Math.max(history.size(), 1), "metrics", this::metricJson);
        }
        return page(history, p, max == null ? 25_000 : (int) Math.max(1, Math.min(max, 25_000)), "metrics",
                this::metricJson);
    }

    // ----- registry -----

    private void registry() {
        route("POST", "registered-models/create", this::createModel);
        route("GET", "registered-models/get", p -> wrap("registered_model", modelJson(model(p.required("name")))));
        route("POST", "registered-models/rename", this::renameModel);
        route("PATCH", "registered-models/update", this::updateModel);
        route("DELETE", "registered-models/delete", p -> {
            models.remove(model(p.required("name")).name);
            return obj();
        });
        route("GET", "registered-models/search", this::searchModels);
        route("GET", "registered-models/get-latest-versions", this::latestVersions);
        route("POST", "registered-models/get-latest-versions", this::latestVersions);
        route("POST", "registered-models/set-tag", this::setModelTag);
        route("DELETE", "registered-models/delete-tag", this::deleteModelTag);
        route("POST", "registered-models/alias", this::setAlias);
        route("DELETE", "registered-models/alias", this::deleteAlias);
        route("GET", "registered-models/alias", this::versionByAlias);
        route("POST", "model-versions/create", this::createVersion);
        route("GET", "model-versions/get", p -> wrap("model_version", versionJson(version(p))));
        route("PATCH", "model-versions/update", this::updateVersion);
        route("DELETE", "model-versions/delete", this::deleteVersion);
        route("GET", "model-versions/search", this::searchVersions);
        route("POST", "model-versions/set-tag", this::setVersionTag);
        route("DELETE", "model-versions/delete-tag", this::deleteVersionTag);
        route("POST", "model-versions/transition-stage", this::transitionStage);
        route("GET", "model-versions/get-download-uri", p -> obj().put("artifact_uri", version(p).storageLocation));
    }

    private JsonNode createModel(Params p) {
        String name = p.required("name");
        Map<String, String> tags = tags(p, MAX_TAG_VALUE_LENGTH);
        if (models.containsKey(name)) {
            throw MlflowError.exists("Registered Model (name=" + name + ") already exists.");
        }
        RegisteredModel model = new RegisteredModel(name, System.currentTimeMillis());
        model.description = p.string("description");
        model.tags.putAll(tags);
        models.put(name, model);
        registryEvents.accept("registered_model.created", payload("name", name, "tags", model.tags, "description",
                model.description));
        return wrap("registered_model", modelJson(model));
    }

    private RegisteredModel model(String name) {
        RegisteredModel model = models.get(name);
        if (model == null) {
            throw MlflowError.notFound("Registered Model with name=" + name + " not found");
        }
        return model;
    }

    private JsonNode renameModel(Params p) {
        RegisteredModel model = model(p.required("name"));
        String newName = p.required("new_name");
        if (models.containsKey(newName)) {
            throw MlflowError.exists("Registered Model (name=" + newName + ") already exists.");
        }
        models.remove(model.name);
        model.name = newName;
        model.updated = System.currentTimeMillis();
        model.versions.values().forEach(v -> v.updated = model.updated);
        models.put(newName, model);
        return wrap("registered_model", modelJson(model));
    }

    private JsonNode updateModel(Params p) {
        RegisteredModel model = model(p.required("name"));
        model.description = p.string("description");
        model.updated = System.currentTimeMillis();
        return wrap("registered_model", modelJson(model));
    }

    private JsonNode searchModels(Params p) {
        Long max = p.longValue("max_results");
        if (max != null && max > 1000) {
            throw MlflowError.invalid("Invalid value for request parameter max_results. It must be at most 1000, but got"
                    + " value " + max);
        }
        int maxResults = max == null ? 100 : (int) (long) max;
        if (maxResults < 1) {
            throw MlflowError.invalid("Invalid value for request parameter max_results. It must be at least 1, but got"
                    + " value " + max);
        }
        SearchFilter filter = SearchFilter.parse(p.string("filter"));
        Comparator<RegisteredModel> order = Comparator.comparing((RegisteredModel m) -> m.name);
        for (String column : p.strings("order_by")) {
            String[] words = column.trim().split("\\s+");
            boolean descending = words.length > 1 && words[1].equalsIgnoreCase("DESC");
            Comparator<RegisteredModel> one;
            switch (words[0].replaceFirst("^attributes?\\.", "")) {
                case "name":
                    one = Comparator.comparing((RegisteredModel m) -> m.name);
                    break;
                case "last_updated_timestamp", "timestamp":
                    one = Comparator.comparingLong((RegisteredModel m) -> m.updated);
                    break;
                case "creation_timestamp":
                    one = Comparator.comparingLong((RegisteredModel m) -> m.created);
                    break;
                default:
                    throw MlflowError.invalid("Invalid order by key '" + words[0] + "' specified. Valid keys are"
                            + " name, creation_timestamp, last_updated_timestamp");
            }
            order = (descending ? one.reversed() : one).thenComparing(order);
        }
        List<RegisteredModel> matching = models.values().stream()
                .filter(m -> filter.matches((type, key) -> type.equals("tags") ? m.tags.get(key)
                        : key.equals("name") ? m.name : null))
                .sorted(order)
                .collect(Collectors.toList());
        return page(matching, p, maxResults, "registered_models", this::modelJson);
    }

    private JsonNode latestVersions(Params p) {
        RegisteredModel model = model(p.required("name"));
        List<String> stages = new ArrayList<>();
        for (String stage : p.strings("stages")) {
            stages.add(stage(stage));
        }
        ObjectNode response = obj();
        putArray(response, "model_versions", latest(model, stages.isEmpty() ? STAGES : stages), v -> versionJson(model, v));
        return response;
    }

    /** The highest ready version in each of the stages, in version order. */
    private static List<ModelVersion> latest(RegisteredModel model, List<String> stages) {
        Map<String, ModelVersion> byStage = new LinkedHashMap<>();
        for (ModelVersion v : model.versions.values()) {
            if (v.ready() && stages.contains(v.stage)) {
                byStage.put(v.stage, v);
            }
        }
        return byStage.values().stream().sorted(Comparator.comparingInt(v -> v.version)).collect(Collectors.toList());
    }

    private JsonNode setModelTag(Params p) {
        RegisteredModel model = model(p.required("name"));
        String key = p.required("key");
        String value = valueOf(p.string("value"));
        checkKey("tag", key);
        checkLength("Registered model value", value, MAX_TAG_VALUE_LENGTH);
        model.tags.put(key, value);
        return obj();
    }

    private JsonNode deleteModelTag(Params p) {
        RegisteredModel model = model(p.required("name"));
        model.tags.remove(p.required("key"));
        return obj();
    }

    private JsonNode setAlias(Params p) {
        RegisteredModel model = model(p.required("name"));
        String alias = p.required("alias");
        ModelVersion version = version(model, p.required("version"));
        checkAlias(alias);
        model.aliases.put(alias, version.version);
        registryEvents.accept("model_version_alias.created", payload("name", model.name, "alias", alias, "version",
                String.valueOf(version.version)));
        return obj();
    }

    private static void checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw MlflowError.invalid("Invalid alias name: '" + alias + "'. Names may only contain alphanumerics,"
                    + " underscores (_), and dashes (-).");
        }
        checkLength("Registered model alias name", alias, 255);
        if (alias.equalsIgnoreCase("latest")) {
            throw MlflowError.invalid("'latest' alias name (case insensitive) is reserved.");
        }
        if (VERSION_ALIAS.matcher(alias).matches()) {
            throw MlflowError.invalid("Version alias name '" + alias + "' is reserved.");
        }
    }

    private JsonNode deleteAlias(Params p) {
        RegisteredModel model = model(p.required("name"));
        String alias = p.required("alias");
        model.aliases.remove(alias);
        registryEvents.accept("model_version_alias.deleted", payload("name", model.name, "alias", alias));
        return obj();
    }

    private JsonNode versionByAlias(Params p) {
        RegisteredModel model = model(p.required("name"));
        String alias = p.required("alias");
        Integer version = model.aliases.get(alias);
        if (version == null) {
            throw MlflowError.notFound("Registered model alias " + alias + " not found.");
        }
        return wrap("model_version", versionJson(model, model.versions.get(version)));
    }

    private JsonNode createVersion(Params p) {
        String name = p.required("name");
        String source = p.required("source");
        String runId = p.string("run_id");
        Map<String, String> tags = tags(p, MAX_TAG_VALUE_LENGTH);
        checkSource(source);
        RegisteredModel model = model(name);
        long now = System.currentTimeMillis();
        ModelVersion version = new ModelVersion(++model.lastVersion, now, source, emptyToNull(runId),
                emptyToNull(p.string("run_link")), storageLocation(source), System.nanoTime() + registrationDelay.toNanos());
        version.description = p.string("description");
        version.tags.putAll(tags);
        model.versions.put(version.version, version);
        model.updated = now;
        registryEvents.accept("model_version.created", payload("name", name, "version", String.valueOf(version.version),
                "source", source, "run_id", version.runId, "tags", version.tags, "description", version.description));
        return wrap("model_version", versionJson(model, version));
    }

    /** MLflow refuses local paths unless they lie in the run's local artifact directory, and relative paths. */
    private static void checkSource(String source) {
        String path = source;
        int colon = source.indexOf(':');
        String scheme = colon > 1 ? source.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        if (scheme.isEmpty() || scheme.equals("file")) {
            throw MlflowError.invalid("Invalid model version source: '" + source + "'. To use a local path as a model"
                    + " version source, the run_id request parameter has to be specified and the local path has to be"
                    + " contained within the artifact directory of the run specified by the run_id.");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.contains("\u0000")) {
                throw MlflowError.invalid("Invalid model version source: '" + source + "'. If supplying a source as an"
                        + " http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path"
                        + " must be provided without relative path references present. Please provide an absolute path.");
            }
        }
    }

    /**
     * Where a version's files are, as MLflow's registry stores record it: the source as given, except
     * that a {@code models:/<name>/<version>} source resolves to that version's location. A {@code
     * runs:/} source stays as it is; clients resolve it through the run.
     */
    private String storageLocation(String source) {
        Matcher m = MODELS_URI.matcher(source);
        if (!m.matches()) {
            return source;
        }
        try {
            return version(model(m.group(1)), m.group(2)).storageLocation;
        } catch (MlflowError e) {
            throw MlflowError.invalid("Unable to fetch model from model URI source artifact location '" + source
                    + "'. Error: " + e.getMessage());
        }
    }

    private ModelVersion version(Params p) {
        return version(model(p.required("name")), p.required("version"));
    }

    private static ModelVersion version(RegisteredModel model, String version) {
        int number;
        try {
            number = Integer.parseInt(version.trim());
        } catch (NumberFormatException e) {
            throw MlflowError.invalid("Model version must be an integer, got '" + version + "'");
        }
        ModelVersion found = model.versions.get(number);
        if (found == null) {
            throw MlflowError.notFound("Model Version (name=" + model.name + ", version=" + number + ") not found");
        }
        return found;
    }

    private JsonNode updateVersion(Params p) {
        RegisteredModel model = model(p.required("name"));
        ModelVersion version = version(model, p.required("version"));
        if (p.has("description")) {
            version.description = p.string("description");
        }
        version.updated = System.currentTimeMillis();
        return wrap("model_version", versionJson(model, version));
    }

    private JsonNode deleteVersion(Params p) {
        RegisteredModel model = model(p.required("name"));
        ModelVersion version = version(model, p.required("version"));
        model.versions.remove(version.version);
        model.aliases.values().removeIf(v -> v == version.version);
        model.updated = System.currentTimeMillis();
        return obj();
    }

    private JsonNode searchVersions(Params p) {
        Long max = p.longValue("max_results");
        if (max != null && max > 200_000) {
            throw MlflowError.invalid("Invalid value for request parameter max_results. It must be at most 200000, but"
                    + " got value " + max);
        }
        int maxResults = max == null ? 200_000 : (int) Math.max(1, max);
        SearchFilter filter = SearchFilter.parse(p.string("filter"));
        List<Map.Entry<RegisteredModel, ModelVersion>> matching = new ArrayList<>();
        for (RegisteredModel model : models.values()) {
            for (ModelVersion v : model.versions.descendingMap().values()) {
                if (filter.matches((type, key) -> type.equals("tags") ? v.tags.get(key) : versionValue(model, v, key))) {
                    matching.add(Map.entry(model, v));
                }
            }
        }
        return page(matching, p, maxResults, "model_versions", e -> versionJson(e.getKey(), e.getValue()));
    }

    @Nullable
    private static Object versionValue(RegisteredModel model, ModelVersion version, String key) {
        switch (key) {
            case "name":
                return model.name;
            case "run_id":
                return version.runId;
            case "source_path":
                return version.source;
            case "version_number":
                return (double) version.version;
            case "current_stage":
                return version.stage;
            default:
                throw MlflowError.invalid("Invalid attribute key '" + key + "' specified. Valid keys are name, run_id,"
                        + " source_path, version_number, current_stage");
        }
    }

    private JsonNode setVersionTag(Params p) {
        ModelVersion version = version(p);
        String key = p.required("key");
        String value = valueOf(p.string("value"));
        checkKey("tag", key);
        checkLength("Model version value", value, MAX_TAG_VALUE_LENGTH);
        version.tags.put(key, value);
        registryEvents.accept("model_version_tag.set", payload("name", p.required("name"), "version",
                String.valueOf(version.version), "key", key, "value", value));
        return obj();
    }

    private JsonNode deleteVersionTag(Params p) {
        ModelVersion version = version(p);
        version.tags.remove(p.required("key"));
        registryEvents.accept("model_version_tag.deleted", payload("name", p.required("name"), "version",
                String.valueOf(version.version), "key", p.required("key")));
        return obj();
    }

    private JsonNode transitionStage(Params p) {
        RegisteredModel model = model(p.required("name"));
        ModelVersion version = version(model, p.required("version"));
        String stage = stage(p.required("stage"));
        Boolean archive = p.bool("archive_existing_versions");
        if (Boolean.TRUE.equals(archive) && !stage.equals("Staging") && !stage.equals("Production")) {
            throw MlflowError.invalid("Model version transition cannot archive existing model versions because '" + stage
                    + "' is not an Active stage. Valid stages are Staging and Production.");
        }
        long now = System.currentTimeMillis();
        if (Boolean.TRUE.equals(archive)) {
            for (ModelVersion other : model.versions.values()) {
                if (other != version && other.stage.equals(stage)) {
                    other.stage = "Archived";
                    other.updated = now;
                }
            }
        }
        version.stage = stage;
        version.updated = now;
        model.updated = now;
        return wrap("model_version", versionJson(model, version));
    }

    private static String stage(String stage) {
        for (String known : STAGES) {
            if (known.equalsIgnoreCase(stage.trim())) {
                return known;
            }
        }
        throw MlflowError.invalid("Invalid Model Version stage: " + stage + ". Value must be one of "
                + String.join(", ", STAGES) + ".");
    }

    // ----- artifacts -----

    private Reply artifactsApi(Request request, String endpoint) {
        String method = request.method();
        if (endpoint.equals("artifacts") && method.equals("GET")) {
            return Reply.json(200, listArtifacts(params(request, false).string("path")));
        }
        if (endpoint.startsWith("artifacts/")) {
            String path = safePath(endpoint.substring("artifacts/".length()));
            switch (method) {
                case "GET":
                    byte[] content = artifacts.get(path);
                    if (content == null) {
                        throw MlflowError.notFound("Artifact '" + path + "' does not exist");
                    }
                    String name = path.substring(path.lastIndexOf('/') + 1);
                    return new Reply(200, contentType(name), content,
                            Map.of("Content-Disposition", "attachment; filename=" + name, "X-Content-Type-Options", "nosniff"));
                case "PUT":
                    if (path.isEmpty()) {
                        throw MlflowError.invalid("Invalid path");
                    }
                    artifacts.put(path, request.body());
                    return Reply.json(200, obj());
                case "DELETE":
                    artifacts.remove(path);
                    artifacts.keySet().removeIf(key -> key.startsWith(path + "/"));
                    return Reply.json(200, obj());
                default:
                    break;
            }
        }
        if (endpoint.startsWith("mpu/")) {
            return multipart(request, endpoint.substring("mpu/".length()));
        }
        throw noEndpoint(request);
    }

    private JsonNode listArtifacts(@Nullable String path) {
        String directory = path == null ? "" : safePath(path);
        String prefix = directory.isEmpty() ? "" : directory + "/";
        Map<String, ObjectNode> children = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : artifacts.tailMap(prefix, true).entrySet()) {
            if (!file.getKey().startsWith(prefix)) {
                break;
            }
            String rest = file.getKey().substring(prefix.length());
            int slash = rest.indexOf('/');
            ObjectNode info = obj();
            if (slash < 0) {
                info.put("path", rest).put("is_dir", false).put("file_size", file.getValue().length);
                children.put(rest, info);
            } else {
                children.putIfAbsent(rest.substring(0, slash), info.put("path", rest.substring(0, slash)).put("is_dir", true));
            }
        }
        ObjectNode response = obj();
        putArray(response, "files", new ArrayList<>(children.values()), n -> n);
        return response;
    }

    private Reply multipart(Request request, String rest) {
        String method = request.method();
        if (rest.startsWith("upload/") && method.equals("PUT")) {
            return uploadPart(request, safePath(rest.substring("upload/".length())));
        }
        String action = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!method.equals("POST") || !List.of("create", "complete", "abort").contains(action)) {
            throw noEndpoint(request);
        }
        String directory = safePath(rest.substring(action.length()).replaceFirst("^/", ""));
        Params p = params(request, true);
        String file = p.required("path");
        if (!multipartUploads) {
            throw new MlflowError("NOT_IMPLEMENTED", "Multipart upload is not supported for the current artifact"
                    + " repository");
        }
        String target = (directory.isEmpty() ? "" : directory + "/") + file.substring(file.lastIndexOf('/') + 1);
        switch (action) {
            case "create": {
                Long parts = p.longValue("num_parts");
                if (parts == null || parts < 1 || parts > 10_000) {
                    throw MlflowError.invalid("num_parts must be between 1 and 10000, was " + parts);
                }
                String uploadId = UUID.randomUUID().toString().replace("-", "");
                uploads.put(uploadId, new Upload(target, (int) (long) parts));
                ObjectNode response = obj().put("upload_id", uploadId);
                ArrayNode credentials = response.putArray("credentials");
                for (int part = 1; part <= parts; part++) {
                    credentials.addObject()
                            .put("url", baseUri.get() + ARTIFACTS + "mpu/upload/" + target + "?upload_id=" + uploadId
                                    + "&part_number=" + part)
                            .put("part_number", part);
                }
                return Reply.json(200, response);
            }
            case "complete": {
                Upload upload = upload(p.required("upload_id"), target);
                List<Params> parts = p.objects("parts");
                if (parts.isEmpty()) {
                    throw Params.missing("parts");
                }
                java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
                long previous = 0;
                for (Params part : parts) {
                    long number = part.requiredLong("part_number");
                    byte[] received = upload.received.get((int) number);
                    if (number <= previous || received == null) {
                        throw MlflowError.invalid("Part " + number + " of upload " + p.string("upload_id") + " was not"
                                + " uploaded or is out of order; parts must be listed once each, in ascending order");
                    }
                    String etag = part.string("etag");
                    if (etag == null || !etag.replace("\"", "").equals(etag(received))) {
                        throw MlflowError.invalid("The etag of part " + number + " does not match: expected '"
                                + etag(received) + "', was '" + etag + "'");
                    }
                    content.writeBytes(received);
                    previous = number;
                }
                artifacts.put(target, content.toByteArray());
                uploads.remove(p.string("upload_id"));
                return Reply.json(200, obj());
            }
            default: {
                upload(p.required("upload_id"), target);
                uploads.remove(p.string("upload_id"));
                return Reply.json(200, obj());
            }
        }
    }

    private Upload upload(String uploadId, String target) {
        Upload upload = uploads.get(uploadId);
        if (upload == null || !upload.path.equals(target)) {
            throw MlflowError.notFound("No multipart upload with id '" + uploadId + "' for '" + target + "'");
        }
        return upload;
    }

    private Reply uploadPart(Request request, String target) {
        ObjectNode fields = JSON.createObjectNode();
        request.queryParams().forEach((name, values) -> fields.put(name, values.get(0)));
        Params p = new Params(fields);
        Upload upload = upload(p.required("upload_id"), target);
        long part = p.requiredLong("part_number");
        if (part < 1 || part > upload.parts) {
            throw MlflowError.invalid("part_number must be between 1 and " + upload.parts + ", was " + part);
        }
        upload.received.put((int) part, request.body());
        return new Reply(200, "application/octet-stream", new byte[0], Map.of("ETag", "\"" + etag(request.body()) + "\""));
    }

    private static String etag(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from the JDK", e);
        }
    }

    /** MLflow's validate_path_is_safe: relative, no '..', no backslashes, no NUL. */
    private static String safePath(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.startsWith("/") || trimmed.contains("\\") || trimmed.contains("\u0000") || trimmed.contains("//")) {
            throw MlflowError.invalid("Invalid path");
        }
        for (String segment : trimmed.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw MlflowError.invalid("Invalid path");
            }
        }
        return trimmed;
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".txt") || lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.equals("mlmodel")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }

    // ----- JSON shapes -----

    private ObjectNode experimentJson(Experiment e) {
        ObjectNode n = obj();
        n.put("experiment_id", e.id);
        n.put("name", e.name);
        n.put("artifact_location", e.artifactLocation);
        n.put("lifecycle_stage", e.lifecycle);
        n.put("last_update_time", e.updated);
        n.put("creation_time", e.created);
        putTags(n, "tags", e.tags);
        return n;
    }

    private ObjectNode runInfoJson(Run run) {
        ObjectNode info = obj();
        info.put("run_uuid", run.id);
        info.put("run_id", run.id);
        info.put("run_name", run.name);
        info.put("experiment_id", run.experimentId);
        info.put("user_id", run.userId);
        info.put("status", run.status);
        info.put("start_time", run.start);
        if (run.end != null) {
            info.put("end_time", run.end);
        }
        info.put("artifact_uri", run.artifactUri);
        info.put("lifecycle_stage", run.lifecycle);
        return info;
    }

    private ObjectNode runJson(Run run) {
        ObjectNode n = obj();
        n.set("info", runInfoJson(run));
        ObjectNode data = n.putObject("data");
        putArray(data, "metrics", new ArrayList<>(run.latest.values()), this::metricJson);
        List<Map.Entry<String, String>> params = new ArrayList<>(run.params.entrySet());
        putArray(data, "params", params, e -> obj().put("key", e.getKey()).put("value", e.getValue()));
        putTags(data, "tags", run.tags);
        n.putObject("inputs");
        return n;
    }

    private ObjectNode metricJson(Metric m) {
        ObjectNode n = obj().put("key", m.key());
        if (Double.isNaN(m.value()) || Double.isInfinite(m.value())) {
            n.put("value", Double.isNaN(m.value()) ? "NaN" : m.value() > 0 ? "Infinity" : "-Infinity");
        } else {
            n.put("value", m.value());
        }
        return n.put("timestamp", m.timestamp()).put("step", m.step());
    }

    private ObjectNode modelJson(RegisteredModel model) {
        ObjectNode n = obj();
        n.put("name", model.name);
        n.put("creation_timestamp", model.created);
        n.put("last_updated_timestamp", model.updated);
        if (model.description != null) {
            n.put("description", model.description);
        }
        putArray(n, "latest_versions", latest(model, STAGES), v -> versionJson(model, v));
        putTags(n, "tags", model.tags);
        List<Map.Entry<String, Integer>> aliases = new ArrayList<>(model.aliases.entrySet());
        putArray(n, "aliases", aliases, e -> obj().put("alias", e.getKey()).put("version", e.getValue().toString()));
        return n;
    }

    private ObjectNode versionJson(RegisteredModel model, ModelVersion v) {
        ObjectNode n = obj();
        n.put("name", model.name);
        n.put("version", Integer.toString(v.version));
        n.put("creation_timestamp", v.created);
        n.put("last_updated_timestamp", v.updated);
        n.put("current_stage", v.stage);
        if (v.description != null) {
            n.put("description", v.description);
        }
        n.put("source", v.source);
        if (v.runId != null) {
            n.put("run_id", v.runId);
        }
        n.put("status", v.ready() ? "READY" : "PENDING_REGISTRATION");
        putTags(n, "tags", v.tags);
        if (v.runLink != null) {
            n.put("run_link", v.runLink);
        }
        List<String> aliases = model.aliases.entrySet().stream().filter(e -> e.getValue() == v.version)
                .map(Map.Entry::getKey).collect(Collectors.toList());
        putArray(n, "aliases", aliases, a -> JSON.getNodeFactory().textNode(a));
        return n;
    }

    private ObjectNode versionJson(ModelVersion v) {
        for (RegisteredModel model : models.values()) {
            if (model.versions.get(v.version) == v) {
                return versionJson(model, v);
            }
        }
        throw new IllegalStateException("model version " + v.version + " belongs to no registered model");
    }

    // ----- helpers -----

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static ObjectNode wrap(String field, JsonNode value) {
        ObjectNode n = obj();
        n.set(field, value);
        return n;
    }

    /** Repeated fields are left out when empty, as MLflow's protobuf JSON leaves them out. */
    private static <T> void putArray(ObjectNode node, String field, List<T> items, Function<T, JsonNode> json) {
        if (items.isEmpty()) {
            return;
        }
        ArrayNode array = node.putArray(field);
        items.forEach(item -> array.add(json.apply(item)));
    }

    private static void putTags(ObjectNode node, String field, Map<String, String> tags) {
        putArray(node, field, new ArrayList<>(tags.entrySet()), e -> obj().put("key", e.getKey()).put("value", e.getValue()));
    }

    private static Map<String, String> tags(Params p, int maxValueLength) {
        Map<String, String> tags = new LinkedHashMap<>();
        List<Params> items = p.objects("tags");
        for (int i = 0; i < items.size(); i++) {
            String key = items.get(i).string("key");
            if (key == null || key.isEmpty()) {
                throw Params.missing("tags[" + i + "].key");
            }
            String value = valueOf(items.get(i).string("value"));
            checkKey("tag", key);
            checkLength("Tag value", value, maxValueLength);
            tags.put(key, value);
        }
        return tags;
    }

    private static void checkKey(String what, String key) {
        if (!VALID_KEY.matcher(key).matches()) {
            throw MlflowError.invalid("Invalid " + what + " name: '" + key + "'. Names may only contain alphanumerics,"
                    + " underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
        }
        String normalized = java.nio.file.Paths.get(key).normalize().toString();
        if (!normalized.equals(key) || key.equals(".") || key.startsWith("..") || key.startsWith("/")) {
            throw MlflowError.invalid("Invalid " + what + " name: '" + key + "'. Names may be treated as files in certain"
                    + " cases, and must not resolve to other names when treated as such. This name would resolve to '"
                    + normalized + "'");
        }
        String label = what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1);
        checkLength(label.equals("Parameter") ? "Param key" : label + (label.equals("Metric") ? " name" : " key"), key,
                MAX_KEY_LENGTH);
    }

    private static void checkLength(String what, String value, int limit) {
        if (value.length() > limit) {
            throw MlflowError.invalid(what + " '" + value.substring(0, 250) + "' had length " + value.length()
                    + ", which exceeded length limit of " + limit);
        }
    }

    private static String valueOf(@Nullable String value) {
        return value == null ? "" : value;
    }

    @Nullable
    private static String emptyToNull(@Nullable String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String viewType(Params p, String field) {
        if (!p.has(field)) {
            return "ACTIVE_ONLY";
        }
        JsonNode value = p.node().get(field);
        if (value.isTextual() && VIEW_TYPES.contains(value.asText())) {
            return value.asText();
        }
        if (value.isInt() && value.asInt() >= 1 && value.asInt() <= 3) {
            return VIEW_TYPES.get(value.asInt() - 1);
        }
        if (value.isTextual() && value.asText().matches("[123]")) {
            return VIEW_TYPES.get(Integer.parseInt(value.asText()) - 1);
        }
        throw MlflowError.invalid("Invalid value " + value + " for parameter '" + field + "' supplied; it must be one of "
                + VIEW_TYPES);
    }

    private static boolean inView(String lifecycle, String view) {
        return view.equals("ALL") || (view.equals("ACTIVE_ONLY") ? lifecycle.equals("active") : lifecycle.equals("deleted"));
    }

    private static int maxResults(Params p, int defaultValue, int limit) {
        Long max = p.longValue("max_results");
        if (max == null) {
            return defaultValue;
        }
        if (max < 1 || max > limit) {
            throw MlflowError.invalid("Invalid value " + max + " for parameter 'max_results' supplied. It must be at"
                    + " most " + limit + " and positive.");
        }
        return (int) (long) max;
    }

    /**
     * One page of results with MLflow's token: base64 of {@code {"offset": n}}; the token is left
     * out on the last page.
     */
    private static <T> ObjectNode page(List<T> all, Params p, int maxResults, String field, Function<T, JsonNode> json) {
        int offset = offset(p.string("page_token"));
        int end = (int) Math.min((long) offset + maxResults, all.size());
        ObjectNode response = obj();
        putArray(response, field, offset >= all.size() ? List.of() : all.subList(offset, end), json);
        if (end < all.size()) {
            String token = "{\"offset\": " + end + "}";
            response.put("next_page_token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        return response;
    }

    private static int offset(@Nullable String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        JsonNode decoded;
        try {
            decoded = JSON.readTree(Base64.getDecoder().decode(token));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw MlflowError.invalid("Invalid page token, could not base64-decode");
        }
        if (decoded == null || !decoded.has("offset") || !decoded.get("offset").canConvertToInt()
                || decoded.get("offset").asInt() < 0) {
            throw MlflowError.invalid("Invalid page token, parsed value=" + decoded);
        }
        return decoded.get("offset").asInt();
    }
}
