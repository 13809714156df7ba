package dev.mlops.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.api.model.ModelVersion;
import dev.mlops.core.platform.JsonCodec;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.training.TrainedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol over real HTTP, in front of a real DJL model. */
class InferenceServerTest {
    private static final JsonCodec JSON = JsonCodec.create();
    private static final String INFER = "/v2/models/rater/infer";

    @TempDir
    Path dir;

    private MlopsPlatform mlops;
    private TrainedModel model;
    private EmbeddedServingEndpoint<float[], Float> endpoint;
    private InferenceServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        mlops = MlopsPlatform.embedded(dir.resolve("home"));
        model = TinyModels.fit(2);
        ModelVersion v = model.register(mlops.registry(), "rater", spec -> { });
        endpoint = EmbeddedServingEndpoint.<float[], Float>builder("rater").registry(mlops.registry()).model("rater")
                .version(v.version()).loader(TrainedModel.servingLoader()).workers(2).queueCapacity(64).build();
        server = InferenceServer.builder().rows(endpoint, 2).maxRequestBytes(64 * 1024).metrics(() -> "mlops_up 1\n").build();
    }

    @AfterEach
    void stop() {
        server.close();
        endpoint.close();
        model.close();
        mlops.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private static Map<?, ?> json(HttpResponse<String> response) {
        return JSON.read(response.body().getBytes(StandardCharsets.UTF_8), Map.class);
    }

    @Test
    void answersHealthMetadataAndInferenceAsTheProtocolSays() throws Exception {
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/v2/models/rater/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metadata = get("/v2/models/rater");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(json(metadata).get("inputs").toString()).contains("FP32").contains("[-1, 2]");
        assertThat(get("/metrics").body()).isEqualTo("mlops_up 1\n");

        HttpResponse<String> flat = post(INFER, "{\"id\":\"r1\",\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],"
                + "\"datatype\":\"FP32\",\"data\":[0.5,1.0,-1.0,0.25]}]}");
        assertThat(flat.statusCode()).as(flat.body()).isEqualTo(200);
        Map<?, ?> body = json(flat);
        assertThat(body.get("id")).isEqualTo("r1");
        assertThat(body.get("model_name")).isEqualTo("rater");
        assertThat(body.get("model_version")).isEqualTo(Integer.toString(endpoint.version()));
        List<?> data = (List<?>) ((Map<?, ?>) ((List<?>) body.get("outputs")).get(0)).get("data");
        // the two rows may share a batch, which may round in the last bit differently from a batch of one
        assertThat(((Number) data.get(0)).floatValue()).isCloseTo(endpoint.predict(new float[] {0.5f, 1.0f}).value(),
                within(1e-5f));
        assertThat(((Number) data.get(1)).floatValue()).isCloseTo(endpoint.predict(new float[] {-1.0f, 0.25f}).value(),
                within(1e-5f));

        HttpResponse<String> nested = post("/v2/models/rater/versions/" + endpoint.version() + "/infer",
                "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[[0.5,1.0],[-1.0,0.25]]}]}");
        assertThat(nested.statusCode()).isEqualTo(200);
        List<?> again = (List<?>) ((Map<?, ?>) ((List<?>) json(nested).get("outputs")).get(0)).get("data");
        assertThat(((Number) again.get(1)).floatValue()).isCloseTo(((Number) data.get(1)).floatValue(), within(1e-5f));
    }

    @Test
    void aRoutingKeyKeepsACallerOnOneRouteWhileACanaryRuns() throws Exception {
        try (TrainedModel tripled = TinyModels.fit(3)) {
            ModelVersion canary = tripled.register(mlops.registry(), "rater", spec -> { });
            endpoint.canary(canary.version(), 50);
            String request = "{\"parameters\":{\"routing_key\":\"%s\"},\"inputs\":[{\"name\":\"features\","
                    + "\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1.0,0.0]}]}";
            Set<Object> versions = new HashSet<>();
            for (int user = 0; user < 20; user++) {
                Object first = json(post(INFER, request.formatted("user-" + user))).get("model_version");
                for (int again = 0; again < 3; again++) {
                    assertThat(json(post(INFER, request.formatted("user-" + user))).get("model_version"))
                            .as("user-%s sticks to its route", user).isEqualTo(first);
                }
                versions.add(first);
            }
            assertThat(versions).as("20 users split over both routes")
                    .containsExactlyInAnyOrder("1", Integer.toString(canary.version()));
            HttpResponse<String> bad = post(INFER, "{\"parameters\":{\"routing_key\":7},\"inputs\":[{\"name\":\"f\","
                    + "\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1.0,0.0]}]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).get("error")).isEqualTo("parameters.routing_key must be a string of 1 to 256 characters, was '7'");
        } finally {
            endpoint.endCanary();
        }
    }

    @Test
    void takesEveryNumericDatatypeOfTheProtocolAndOneRowAsAVector() throws Exception {
        float expected = endpoint.predict(new float[] {1.0f, 0.0f}).value();
        for (String tensor : List.of("\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[1.0,0.0]",
                "\"datatype\":\"INT64\",\"shape\":[1,2],\"data\":[1,0]",
                "\"datatype\":\"UINT8\",\"shape\":[2],\"data\":[1,0]",
                "\"datatype\":\"BOOL\",\"shape\":[1,2],\"data\":[[true,false]]")) {
            HttpResponse<String> response = post(INFER, "{\"inputs\":[{\"name\":\"features\"," + tensor + "}]}");
            assertThat(response.statusCode()).as(tensor).isEqualTo(200);
            List<?> data = (List<?>) ((Map<?, ?>) ((List<?>) json(response).get("outputs")).get(0)).get("data");
            assertThat(((Number) data.get(0)).floatValue()).as(tensor).isCloseTo(expected, within(1e-5f));
        }
        String int8 = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"INT8\",\"shape\":[1,2],\"data\":[1,%s]}]}";
        assertThat(json(post(INFER, int8.formatted("128"))).get("error"))
                .isEqualTo("inputs[0].data[1] must be a whole number in the range of INT8, was '128'");
        assertThat(json(post(INFER, int8.formatted("0.5"))).get("error"))
                .isEqualTo("inputs[0].data[1] must be a whole number in the range of INT8, was '0.5'");
        HttpResponse<String> bytes = post(INFER, int8.replace("INT8", "BYTES").formatted("0"));
        assertThat(bytes.statusCode()).isEqualTo(400);
        assertThat(json(bytes).get("error").toString()).startsWith("inputs[0].datatype must be one of [BOOL, UINT8,");
    }

    @Test
    void refusesWhatItCannotServeWithTheRightStatusAndAJsonError() throws Exception {
        String one = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}";
        assertThat(post("/v2/models/nope/infer", one).statusCode()).isEqualTo(404);
        assertThat(post("/v2/models/rater/versions/99/infer", one).statusCode()).isEqualTo(404);
        assertThat(get(INFER).statusCode()).isEqualTo(405);
        HttpResponse<String> shape = post(INFER, one.replace("[1,2]", "[1,3]"));
        assertThat(shape.statusCode()).isEqualTo(400);
        assertThat(json(shape).get("error").toString()).startsWith("inputs[0].shape must be [rows, 2]");
        assertThat(post(INFER, one.replace("[1,2]}", "[1,\"x\"]}")).statusCode()).isEqualTo(400);
        assertThat(post(INFER, "{not json").statusCode()).isEqualTo(400);
        assertThat(post(INFER, "x".repeat(70 * 1024)).statusCode()).isEqualTo(413);
        HttpResponse<String> overloaded = post(INFER, "{\"inputs\":[{\"name\":\"features\",\"shape\":[5000,2],"
                + "\"datatype\":\"FP32\",\"data\":[" + "0.1,".repeat(9_999) + "0.1]}]}");
        assertThat(overloaded.statusCode()).isEqualTo(429);
        assertThat(json(overloaded).get("error").toString()).contains("queue is full");
    }

    @Test
    void malformedBodiesGetFourHundredsNeverAServerError() throws Exception {
        Random random = new Random(7);
        String valid = "{\"id\":\"x\",\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],\"datatype\":\"FP32\","
                + "\"data\":[[0.5,1.0],[-1.0,0.25]]}]}";
        String alphabet = "{}[]\",:0123456789.-eEtrufalsn x\\";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder body = new StringBuilder(valid);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(body.length());
                switch (random.nextInt(3)) {
                    case 0 -> body.deleteCharAt(at);
                    case 1 -> body.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> body.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            HttpResponse<String> response = post(INFER, body.toString());
            assertThat(response.statusCode()).as("body %s -> %s", body, response.body()).isIn(200, 400);
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void requiresTheBearerTokenExceptForHealthAndStopsGracefully() throws Exception {
        server.close();
        server = InferenceServer.builder().rows(endpoint, 2).bearerToken("s3cret").build();
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = get("/v2/models/rater");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("s3cret");
        HttpResponse<String> authorized = http.send(HttpRequest.newBuilder(uri("/v2/models/rater"))
                .header("Authorization", "Bearer s3cret").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(authorized.statusCode()).isEqualTo(200);

        server.close();
        assertThatThrownBy(() -> get("/v2/health/live")).isInstanceOf(java.io.IOException.class);
        server.close();
    }
}
