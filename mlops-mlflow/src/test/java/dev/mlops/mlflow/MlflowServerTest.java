package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowServerTest {

    @Test
    void buildsRestUrlsBelowTheTrackingUri() {
        MlflowServer server = MlflowServer.of("http://mlflow:5000/");
        assertThat(server.trackingUri()).isEqualTo(URI.create("http://mlflow:5000"));
        assertThat(server.apiUri("registered-models/create"))
                .isEqualTo(URI.create("http://mlflow:5000/api/2.0/mlflow/registered-models/create"));
        assertThat(server.authorization()).isEmpty();
        assertThat(MlflowServer.of("https://ml.example.com/mlflow").apiUri("runs/log-metric"))
                .hasToString("https://ml.example.com/mlflow/api/2.0/mlflow/runs/log-metric");
    }

    @Test
    void readsABearerTokenFromTheEnvironment() {
        MlflowServer server = MlflowServer.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://mlflow:5000",
                "MLFLOW_TRACKING_TOKEN", "s3cret"));
        assertThat(server.authorization()).contains("Bearer s3cret");
        assertThat(server).hasToString("MlflowServer[http://mlflow:5000, auth=Bearer]");
    }

    @Test
    void readsBasicAuthFromTheEnvironment() {
        MlflowServer server = MlflowServer.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://mlflow:5000",
                "MLFLOW_TRACKING_USERNAME", "ana", "MLFLOW_TRACKING_PASSWORD", "pw"));
        assertThat(server.authorization()).contains("Basic YW5hOnB3");
        assertThat(server.toString()).doesNotContain("YW5hOnB3");
    }

    @Test
    void rejectsMissingTrackingUri() {
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(Map.of())).isInstanceOf(ValidationException.class)
                .hasMessage("MLFLOW_TRACKING_URI must be set, was null");
    }

    @Test
    void rejectsStoresThatNeedPython() {
        for (String uri : new String[] {"databricks", "file:///tmp/mlruns", "sqlite:///mlflow.db", "postgresql://db/mlflow"}) {
            assertThatThrownBy(() -> MlflowServer.of(uri))
                    .hasMessageStartingWith("MLFLOW_TRACKING_URI must be the http(s) URL of an MLflow tracking server");
        }
    }

    @Test
    void rejectsUrlsWithoutHost() {
        assertThatThrownBy(() -> MlflowServer.of("http:///x")).hasMessage("MLFLOW_TRACKING_URI must name a host, was 'http:///x'");
    }

    @Test
    void rejectsCredentialsInTheUrlWithoutEchoingThem() {
        assertThatThrownBy(() -> MlflowServer.of("http://ana:pw@mlflow:5000"))
                .hasMessageStartingWith("MLFLOW_TRACKING_URI must not carry credentials").hasMessageNotContaining("pw@");
    }

    @Test
    void rejectsQueryAndFragment() {
        assertThatThrownBy(() -> MlflowServer.of("http://mlflow:5000?x=1")).hasMessageContaining("have no query or fragment");
    }

    @Test
    void rejectsTokenTogetherWithUsername() {
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://m",
                "MLFLOW_TRACKING_TOKEN", "t", "MLFLOW_TRACKING_USERNAME", "u")))
                .hasMessageStartingWith("MLFLOW_TRACKING_TOKEN must not be set together with MLFLOW_TRACKING_USERNAME");
    }

    @Test
    void rejectsUsernameWithoutPassword() {
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://m",
                "MLFLOW_TRACKING_USERNAME", "u")))
                .hasMessage("MLFLOW_TRACKING_PASSWORD must be set when MLFLOW_TRACKING_USERNAME is, was null");
    }

    @Test
    void rejectsMalformedEndpoints() {
        assertThatThrownBy(() -> MlflowServer.of("http://m").apiUri("../admin"))
                .hasMessage("endpoint must be lowercase words and '-' separated by '/', was '../admin'");
    }
}
