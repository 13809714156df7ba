package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.monitor.Alert;
import dev.mlops.api.monitor.AlertSink;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AlertSink} that POSTs each alert as JSON to a webhook. The body works as a Slack incoming
 * webhook message (its {@code text} is a one-line summary) and carries the alert's fields for any other
 * receiver:
 *
 * <pre>{@code
 * {"text": "[FIRING CRITICAL] Drift on movie-star-rater (drift/movie-star-rater): PSI 0.31 on avg_rating",
 *  "key": "drift/movie-star-rater", "status": "FIRING", "severity": "CRITICAL",
 *  "title": "Drift on movie-star-rater", "description": "PSI 0.31 on avg_rating",
 *  "labels": {"model": "movie-star-rater"}, "at": "2025-06-01T12:00:00Z"}
 * }</pre>
 *
 * <p>Connection errors, timeouts, 429 and 5xx answers are retried with exponential backoff (honouring a
 * longer {@code Retry-After} of up to 30 seconds); other answers outside 2xx fail at once. Webhook URLs
 * and header values often hold secrets, so logs and messages show only the URL's scheme, host and port,
 * and never a header value. Thread-safe.
 *
 * <pre>{@code
 * AlertSink slack = WebhookAlertSink.builder(URI.create(System.getenv("SLACK_WEBHOOK_URL")))
 *         .name("slack")
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .retries(3)
 *         .build();
 * AlertSink ops = WebhookAlertSink.builder(URI.create("https://ops.example.com/hooks/mlops"))
 *         .header("Authorization", "Bearer " + token)
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class WebhookAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
    /** The longest wait between two attempts. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The most bytes of an error answer read for the exception message. */
    private static final int EXCERPT_BYTES = 200;

    private final String name;
    private final URI uri;
    private final String target;
    private final Duration requestTimeout;
    private final int retries;
    private final Duration backoff;
    private final Map<String, String> headers;
    private final JsonCodec json = JsonCodec.create();
    private final HttpClient client;

    private WebhookAlertSink(Builder b) {
        this.name = b.name;
        this.uri = b.uri;
        this.target = redact(b.uri);
        this.requestTimeout = b.requestTimeout;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.headers = Map.copyOf(b.headers);
        this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    }

    /**
     * Starts a sink that posts to a URL.
     *
     * @param uri an http or https URL with a host
     * @return a builder
     * @throws ValidationException if the URL is not http(s) or has no host
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Posts the alert, retrying transient failures.
     *
     * @param alert the alert
     * @throws MlopsException not retryable if the receiver answered a status outside 2xx other than 429 and 5xx;
     *     retryable if every attempt failed with a connection error, a timeout, 429 or 5xx
     */
    @Override
    public void send(Alert alert) {
        Checks.notNull("alert", alert);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.write(body(alert))));
        headers.forEach(request::header);
        HttpRequest post = request.build();
        String what = "webhook '" + name + "' POST " + target + " of alert " + alert.key();
        for (int attempt = 1; ; attempt++) {
            String failure;
            Exception cause = null;
            Duration retryAfter = Duration.ZERO;
            try {
                HttpResponse<InputStream> response = client.send(post, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                String excerpt = excerpt(response.body());
                if (status >= 200 && status < 300) {
                    LOG.debug("{} answered {}", what, status);
                    return;
                }
                failure = "answered " + status + ": " + excerpt;
                if (status != 429 && status < 500) {
                    throw new MlopsException(what + " " + failure + " (not retried)", null, false);
                }
                retryAfter = response.headers().firstValue("Retry-After").map(WebhookAlertSink::seconds)
                        .orElse(Duration.ZERO);
            } catch (HttpTimeoutException e) {
                failure = "timed out (" + e.getMessage() + ")";
                cause = e;
            } catch (IOException e) {
                failure = "failed: " + e;
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlopsException(what + " interrupted", e, true);
            }
            if (attempt > retries) {
                throw new MlopsException(what + " failed after " + attempt + " attempts; the last " + failure, cause,
                        true);
            }
            Duration delay = delay(attempt, retryAfter);
            LOG.info("{} attempt {} {}; retrying in {}", what, attempt, failure, delay);
            sleep(delay, what);
        }
    }

    /**
     * Names the sink in logs and metrics.
     *
     * @return the name given to the builder, by default {@code "webhook"}
     */
    @Override
    public String name() {
        return name;
    }

    /** The JSON body: a Slack-compatible {@code text} line followed by the alert's fields. */
    static Map<String, Object> body(Alert alert) {
        Map<String, Object> body = new LinkedHashMap<>();
        String details = alert.text().isEmpty() ? "" : ": " + LogAlertSink.oneLine(alert.text());
        body.put("text", "[" + alert.status() + " " + alert.severity() + "] " + alert.title() + " (" + alert.key() + ")"
                + details);
        body.put("key", alert.key());
        body.put("status", alert.status().name());
        body.put("severity", alert.severity().name());
        body.put("title", alert.title());
        body.put("description", alert.text());
        body.put("labels", alert.labels());
        body.put("at", alert.at().toString());
        return body;
    }

    /** The backoff of an attempt, doubling from the first, at most {@link #MAX_BACKOFF}, or a longer Retry-After. */
    private Duration delay(int attempt, Duration retryAfter) {
        Duration exponential = backoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        Duration delay = exponential.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : exponential;
        return retryAfter.compareTo(delay) > 0 && retryAfter.compareTo(MAX_BACKOFF) <= 0 ? retryAfter : delay;
    }

    private static Duration seconds(String header) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    /** The first bytes of an answer, read without loading a large one. */
    private static String excerpt(InputStream body) throws IOException {
        try (body) {
            byte[] bytes = body.readNBytes(EXCERPT_BYTES);
            return LogAlertSink.oneLine(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static void sleep(Duration delay, String what) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException(what + " interrupted", e, true);
        }
    }

    /** The URL's scheme, host and port, without its path, query and user info, which may hold secrets. */
    private static String redact(URI uri) {
        StringBuilder shown = new StringBuilder(uri.getScheme() == null ? "" : uri.getScheme() + ":");
        if (uri.getHost() != null) {
            shown.append("//").append(uri.getHost()).append(uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
        return shown.append("/...").toString();
    }

    /**
     * Builds a {@link WebhookAlertSink}; every setter checks its value at once.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final URI uri;
        private String name = "webhook";
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int retries = 3;
        private Duration backoff = Duration.ofMillis(500);
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(@Nullable URI uri) {
            Checks.notNull("webhook.uri", uri);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new ValidationException("webhook.uri", "be an http or https URL with a host", redact(uri));
            }
            this.uri = uri;
        }

        /**
         * Names the sink in logs and in the {@code sink} tag of metrics.
         *
         * @param name default {@code webhook}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Checks.text("webhook.name", name, 64);
            return this;
        }

        /**
         * Sets how long to wait for a connection.
         *
         * @param timeout default 5 seconds
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive("webhook.connectTimeout", timeout);
            return this;
        }

        /**
         * Sets how long to wait for an answer to each attempt.
         *
         * @param timeout default 5 seconds
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Checks.positive("webhook.requestTimeout", timeout);
            return this;
        }

        /**
         * Sets how many times a failed post is retried; {@code send} makes at most {@code retries + 1} attempts.
         *
         * @param retries between 0 and 10, default 3
         * @return this builder
         */
        public Builder retries(int retries) {
            this.retries = Checks.inRange("webhook.retries", retries, 0, 10);
            return this;
        }

        /**
         * Sets the wait before the first retry; each next one waits twice as long, up to 30 seconds.
         *
         * @param backoff zero or more, default 500 ms
         * @return this builder
         */
        public Builder backoff(Duration backoff) {
            Checks.notNull("webhook.backoff", backoff);
            if (backoff.isNegative() || backoff.compareTo(MAX_BACKOFF) > 0) {
                throw new ValidationException("webhook.backoff", "be between zero and " + MAX_BACKOFF, backoff);
            }
            this.backoff = backoff;
            return this;
        }

        /**
         * Sends a header with every post, e.g. {@code Authorization}. The value is never logged nor put
         * in an exception message.
         *
         * @param name a header name the HTTP client allows (not {@code Host}, {@code Content-Length}...)
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            Checks.text("webhook.header name", name, 100);
            Checks.notNull("webhook.header " + name, value);
            try {
                HttpRequest.newBuilder().header(name, value);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("webhook.header " + name,
                        "be a header the HTTP client may send, with a value of visible characters", "(hidden)");
            }
            headers.put(name, value);
            return this;
        }

        /**
         * Creates the sink.
         *
         * @return the sink
         */
        public WebhookAlertSink build() {
            return new WebhookAlertSink(this);
        }
    }
}
