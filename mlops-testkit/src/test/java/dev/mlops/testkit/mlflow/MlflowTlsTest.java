package dev.mlops.testkit.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import dev.mlops.api.tracking.TrackingRun;
import dev.mlops.mlflow.MlflowException;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.mlflow.MlflowTracker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow's TLS variables: a private CA, mutual TLS, and no verification, against an HTTPS test server. */
class MlflowTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static KeyStore serverKeys;
    private static KeyStore clientKeys;
    private static Path serverCertPem;
    private static Path clientPem;

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverKeys = keyPair("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
        clientKeys = keyPair("client", "CN=trainer", null);
        serverCertPem = Files.writeString(dir.resolve("server-ca.pem"), pem("CERTIFICATE",
                serverKeys.getCertificate("server").getEncoded()));
        clientPem = Files.writeString(dir.resolve("client.pem"), pem("CERTIFICATE", clientKeys.getCertificate("client")
                .getEncoded()) + pem("PRIVATE KEY", clientKeys.getKey("client", PASSWORD).getEncoded()));
    }

    /** A self-signed key pair made by the JDK's keytool. */
    private static KeyStore keyPair(String alias, String name, String extension) throws Exception {
        Path file = dir.resolve(alias + ".p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", name,
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
        if (extension != null) {
            command.addAll(List.of("-ext", extension));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static MlflowTestServer https(boolean needClientAuth) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverKeys, PASSWORD);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("client", clientKeys.getCertificate("client"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return MlflowTestServer.builder().tls(context, needClientAuth).start();
    }

    private static String startRun(MlflowServer server) {
        MlflowTracker tracker = MlflowTracker.builder().server(server).retries(1, Duration.ofMillis(10)).build();
        try (TrackingRun run = tracker.startRun("tls", "run")) {
            return run.id();
        }
    }

    private static Map<String, String> env(MlflowTestServer server, String... keysAndValues) {
        Map<String, String> env = new HashMap<>(Map.of("MLFLOW_TRACKING_URI", server.trackingUri()));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }

    @Test
    void trustsThePrivateCaItIsGivenAndOnlyThat() throws Exception {
        try (MlflowTestServer server = https(false)) {
            assertThat(server.trackingUri()).startsWith("https://");
            MlflowServer trusting = MlflowServer.fromEnvironment(env(server, "MLFLOW_TRACKING_SERVER_CERT_PATH",
                    serverCertPem.toString()));
            assertThat(startRun(trusting)).isNotBlank();
            assertThat(trusting.toString()).contains("tls=trusting " + serverCertPem);

            assertThatThrownBy(() -> startRun(MlflowServer.fromEnvironment(env(server)))).isInstanceOf(MlflowException.class);
            assertThat(startRun(MlflowServer.fromEnvironment(env(server, "MLFLOW_TRACKING_INSECURE_TLS", "true"))))
                    .isNotBlank();
        }
    }

    @Test
    void presentsTheClientCertificateWhereTheServerWantsOne() throws Exception {
        try (MlflowTestServer server = https(true)) {
            assertThatThrownBy(() -> startRun(MlflowServer.fromEnvironment(env(server, "MLFLOW_TRACKING_SERVER_CERT_PATH",
                    serverCertPem.toString())))).isInstanceOf(MlflowException.class);
            MlflowServer mutual = MlflowServer.fromEnvironment(env(server, "MLFLOW_TRACKING_SERVER_CERT_PATH",
                    serverCertPem.toString(), "MLFLOW_TRACKING_CLIENT_CERT_PATH", clientPem.toString()));
            assertThat(startRun(mutual)).isNotBlank();
        }
    }

    @Test
    void refusesConflictingOrUnreadableSettings() throws Exception {
        Map<String, String> base = Map.of("MLFLOW_TRACKING_URI", "https://mlflow:5000");
        Map<String, String> both = new HashMap<>(base);
        both.put("MLFLOW_TRACKING_INSECURE_TLS", "true");
        both.put("MLFLOW_TRACKING_SERVER_CERT_PATH", serverCertPem.toString());
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(both)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("MLFLOW_TRACKING_INSECURE_TLS must not be true together with");

        Map<String, String> missing = new HashMap<>(base);
        missing.put("MLFLOW_TRACKING_SERVER_CERT_PATH", dir.resolve("none.pem").toString());
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(missing)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("MLFLOW_TRACKING_SERVER_CERT_PATH must name a readable PEM file");

        Map<String, String> keyless = new HashMap<>(base);
        keyless.put("MLFLOW_TRACKING_CLIENT_CERT_PATH", serverCertPem.toString());
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(keyless)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("MLFLOW_TRACKING_CLIENT_CERT_PATH must hold an unencrypted PKCS#8 private key");

        Map<String, String> notCerts = new HashMap<>(base);
        notCerts.put("MLFLOW_TRACKING_SERVER_CERT_PATH", Files.writeString(dir.resolve("empty.pem"), "nothing").toString());
        assertThatThrownBy(() -> MlflowServer.fromEnvironment(notCerts)).isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("MLFLOW_TRACKING_SERVER_CERT_PATH must hold PEM certificates");
    }
}
