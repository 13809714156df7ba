package dev.mlops.mlflow;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Where an MLflow tracking server is and how to authenticate to it, read the way MLflow's own
 * clients read it: {@code MLFLOW_TRACKING_URI}, then either {@code MLFLOW_TRACKING_TOKEN} (a bearer
 * token) or {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD} (basic auth), and
 * for HTTPS {@code MLFLOW_TRACKING_SERVER_CERT_PATH} (PEM certificates to trust instead of the JVM's),
 * {@code MLFLOW_TRACKING_CLIENT_CERT_PATH} (a PEM file with the client's certificate and unencrypted
 * PKCS#8 key, for mutual TLS) and {@code MLFLOW_TRACKING_INSECURE_TLS=true} (no verification).
 * Only HTTP(S) servers are accepted: file, database and Databricks URIs need MLflow's Python client.
 *
 * <pre>{@code
 * MlflowServer server = MlflowServer.fromEnvironment(System.getenv());
 * URI create = server.apiUri("registered-models/create");
 * // http://mlflow:5000/api/2.0/mlflow/registered-models/create
 * server.authorization().ifPresent(value -> request.header("Authorization", value));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class MlflowServer {
    /** The REST API path below the tracking URI. */
    public static final String API_PATH = "/api/2.0/mlflow/";

    private static final Pattern ENDPOINT = Pattern.compile("[a-z][a-z-]*(/[a-z][a-z-]*)*");

    private final URI trackingUri;
    private final @Nullable String authorization;
    private final @Nullable SSLContext tls;
    private final String tlsDescription;

    private MlflowServer(URI trackingUri, @Nullable String authorization, @Nullable SSLContext tls, String tlsDescription) {
        this.trackingUri = trackingUri;
        this.authorization = authorization;
        this.tls = tls;
        this.tlsDescription = tlsDescription;
    }

    /**
     * A server without authentication.
     *
     * @param trackingUri e.g. {@code http://localhost:5000}
     * @return the server
     * @throws ValidationException if the URI is not an http(s) URL with a host, or carries
     *     credentials, a query or a fragment
     */
    public static MlflowServer of(@Nullable String trackingUri) {
        return new MlflowServer(parse(trackingUri), null, null, "default");
    }

    /**
     * The same server reached with another TLS setup, e.g. certificates from a key vault.
     *
     * @param context the TLS context for HTTPS connections
     * @return the server
     */
    public MlflowServer withTls(SSLContext context) {
        return new MlflowServer(trackingUri, authorization, Checks.notNull("tls", context), "custom");
    }

    /**
     * The server named by MLflow's environment variables.
     *
     * @param env the environment, usually {@code System.getenv()}
     * @return the server
     * @throws ValidationException if {@code MLFLOW_TRACKING_URI} is missing or invalid, if both a
     *     token and a username are set, or a username without a password, or if a TLS setting names
     *     no readable PEM file of the right content or conflicts with another
     */
    public static MlflowServer fromEnvironment(Map<String, String> env) {
        Checks.notNull("env", env);
        URI uri = parse(env.get("MLFLOW_TRACKING_URI"));
        String serverCerts = env.get("MLFLOW_TRACKING_SERVER_CERT_PATH");
        String clientCert = env.get("MLFLOW_TRACKING_CLIENT_CERT_PATH");
        boolean insecure = "true".equalsIgnoreCase(env.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", "false").trim());
        SSLContext tls = Tls.context(serverCerts, clientCert, insecure);
        String tlsDescription = insecure ? "insecure" : serverCerts != null ? "trusting " + serverCerts : "default";
        if (clientCert != null) {
            tlsDescription += ", client certificate";
        }
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        String password = env.get("MLFLOW_TRACKING_PASSWORD");
        if (token != null && user != null) {
            throw new ValidationException("MLFLOW_TRACKING_TOKEN",
                    "not be set together with MLFLOW_TRACKING_USERNAME; choose one way to authenticate", "set");
        }
        if (token != null) {
            return new MlflowServer(uri, "Bearer " + Checks.text("MLFLOW_TRACKING_TOKEN", token, 8192), tls, tlsDescription);
        }
        if (user != null) {
            Checks.text("MLFLOW_TRACKING_USERNAME", user, 1024);
            if (password == null) {
                throw new ValidationException("MLFLOW_TRACKING_PASSWORD", "be set when MLFLOW_TRACKING_USERNAME is", null);
            }
            String pair = user + ":" + password;
            return new MlflowServer(uri, "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                    tls, tlsDescription);
        }
        return new MlflowServer(uri, null, tls, tlsDescription);
    }

    /**
     * The tracking URI, without a trailing {@code /}.
     *
     * @return the URI
     */
    public URI trackingUri() {
        return trackingUri;
    }

    /**
     * The URL of a REST endpoint.
     *
     * @param endpoint e.g. {@code "registered-models/get"} or {@code "runs/log-metric"}
     * @return the full URL
     * @throws ValidationException if the endpoint is not lowercase words separated by {@code /}
     */
    public URI apiUri(@Nullable String endpoint) {
        Checks.notNull("endpoint", endpoint);
        if (!ENDPOINT.matcher(endpoint).matches()) {
            throw new ValidationException("endpoint", "be lowercase words and '-' separated by '/'", endpoint);
        }
        return URI.create(trackingUri + API_PATH + endpoint);
    }

    /**
     * The value of the {@code Authorization} header, if the server needs one.
     *
     * @return {@code "Bearer ..."} or {@code "Basic ..."}, or empty
     */
    public Optional<String> authorization() {
        return Optional.ofNullable(authorization);
    }

    /**
     * The TLS context for HTTPS connections, when not the JVM's default.
     *
     * @return the context, or empty
     */
    public Optional<SSLContext> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * Describes the server without its credentials.
     *
     * @return e.g. {@code MlflowServer[http://mlflow:5000, auth=Bearer]}
     */
    @Override
    public String toString() {
        return "MlflowServer[" + trackingUri + ", auth="
                + (authorization == null ? "none" : authorization.substring(0, authorization.indexOf(' ')))
                + (tls == null ? "" : ", tls=" + tlsDescription) + "]";
    }

    private static URI parse(@Nullable String text) {
        Checks.text("MLFLOW_TRACKING_URI", text, 2048);
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            throw new ValidationException("MLFLOW_TRACKING_URI", "be a URL", text);
        }
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new ValidationException("MLFLOW_TRACKING_URI", "be the http(s) URL of an MLflow tracking server"
                    + " (file, database and Databricks stores need MLflow's Python client)", text);
        }
        if (uri.getHost() == null) {
            throw new ValidationException("MLFLOW_TRACKING_URI", "name a host", text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new ValidationException("MLFLOW_TRACKING_URI", "not carry credentials; set "
                    + "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD instead", "(a URL with credentials)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ValidationException("MLFLOW_TRACKING_URI", "have no query or fragment", text);
        }
        return uri;
    }
}
