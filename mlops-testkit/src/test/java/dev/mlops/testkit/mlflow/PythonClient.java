package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The REST calls MLflow's Python client makes, for tests that play a Python user beside the SDK. */
final class PythonClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonCodec json = JsonCodec.create();
    private final String trackingUri;

    PythonClient(MlflowTestServer server) {
        this.trackingUri = server.trackingUri();
    }

    /** A new run of the default experiment: its id and artifact root, as {@code mlflow.start_run()} gets them. */
    Map<?, ?> startRun() throws IOException, InterruptedException {
        Map<?, ?> run = (Map<?, ?>) call("POST", "runs/create", Map.of("experiment_id", "0", "start_time",
                System.currentTimeMillis())).get("run");
        return (Map<?, ?>) run.get("info");
    }

    /** A file through the artifact proxy, as the client writes to an {@code mlflow-artifacts:} root. */
    void upload(String proxyPath, Path file) throws IOException, InterruptedException {
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(trackingUri
                + "/api/2.0/mlflow-artifacts/artifacts/" + proxyPath)).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    /** A version of a registered model, as {@code mlflow.register_model} or {@code MlflowClient.create_model_version} make it. */
    void createVersion(String model, String source, String runId) throws IOException, InterruptedException {
        call("POST", "model-versions/create", Map.of("name", model, "source", source, "run_id", runId));
    }

    Map<?, ?> call(String method, String endpoint, Map<String, ?> body) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow/" + endpoint))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.read(answer.body().getBytes(StandardCharsets.UTF_8), Map.class);
    }
}
