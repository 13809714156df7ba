package dev.mlops.core.data;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.OperationTimeoutException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.RetryPolicy;
import dev.mlops.api.pipeline.StepContext;
import dev.mlops.core.platform.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crawls a paged HTTP JSON API into a {@link Table}: page numbers ({@code ?page=1,2,...}) or cursors
 * ({@code ?cursor=<next_cursor of the previous page>}), a request rate limit, retries with
 * exponential backoff on 429, 5xx and I/O errors (honouring {@code Retry-After}), and a checkpoint
 * file: every page is appended and forced to disk as it arrives, so a crawl that crashed resumes
 * after its last page instead of starting over. The kind of crawler used for the TMDB movie API.
 *
 * <pre>{@code
 * HttpCrawler movies = HttpCrawler.builder(URI.create("https://api.example.com/3/discover/movie"))
 *         .pages("page", "total_pages")          // or .cursors("cursor", "next_cursor")
 *         .results("results")
 *         .header("Authorization", "Bearer " + token)
 *         .rateLimit(40, Duration.ofSeconds(10))
 *         .retry(RetryPolicy.builder().maxAttempts(5).build())
 *         .build();
 * Step<Table> raw = p.step("crawl", ctx -> movies.crawl(ctx, schema));   // checkpointed per run
 * }</pre>
 *
 * @since 0.1.0
 */
public final class HttpCrawler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpCrawler.class);

    private final URI url;
    private final String pageParam;
    private final @Nullable String totalPagesField;
    private final @Nullable String cursorParam;
    private final @Nullable String nextCursorField;
    private final String resultsField;
    private final Map<String, String> headers;
    private final long minSpacingNanos;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final int maxPages;
    private final JsonCodec json;
    private final HttpClient client;

    private HttpCrawler(Builder b) {
        this.url = b.url;
        this.pageParam = b.pageParam;
        this.totalPagesField = b.totalPagesField;
        this.cursorParam = b.cursorParam;
        this.nextCursorField = b.nextCursorField;
        this.resultsField = b.resultsField;
        this.headers = Map.copyOf(b.headers);
        this.minSpacingNanos = b.rateInterval.toNanos() / b.rateRequests;
        this.retry = b.retry;
        this.timeout = b.timeout;
        this.maxPages = b.maxPages;
        this.json = b.json;
        this.client = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Starts a crawler of a URL; its existing query parameters are kept.
     *
     * @param url an http(s) URL
     * @return a builder
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /**
     * Crawls inside a pipeline step, checkpointing under
     * {@code <home>/crawls/<pipeline>/<runId>/<step>.jsonl}, so a resumed run continues the crawl.
     *
     * @param ctx the step context
     * @param schema the columns to read from each result object
     * @return every result, in page order
     */
    public Table crawl(StepContext ctx, Schema schema) {
        Path checkpoint = ctx.platform().home().resolve("crawls").resolve(ctx.pipeline()).resolve(ctx.runId())
                .resolve(ctx.step() + ".jsonl");
        return crawl(schema, checkpoint, (done, unit) -> {
            ctx.progress(done, 0, unit);
            if (ctx.cancelled()) {
                throw new MlopsException("crawl of " + url + " cancelled");
            }
        });
    }

    /**
     * Crawls every page.
     *
     * @param schema the columns to read from each result object (strictly, as JSON Lines)
     * @param checkpoint a file where fetched pages are kept until the crawl completes; pages already
     *     in it are not fetched again
     * @return every result, in page order
     * @throws ValidationException if a page is not the expected JSON or a result does not fit the schema
     * @throws MlopsException if a request fails for good (after retries, or a 4xx other than 429)
     */
    public Table crawl(Schema schema, Path checkpoint) {
        return crawl(schema, checkpoint, (done, unit) -> { });
    }

    private Table crawl(Schema schema, Path checkpoint, Progress progress) {
        Checks.notNull("schema", schema);
        Checks.notNull("checkpoint", checkpoint);
        List<Map<?, ?>> records = new ArrayList<>();
        Cursor next = Cursor.first();
        for (Map<?, ?> page : readCheckpoint(checkpoint)) {
            records.addAll(results(page, "checkpoint " + checkpoint));
            next = following(page, ((Number) page.get("_page")).intValue());
        }
        if (!records.isEmpty() || next.page > 1) {
            LOG.info("Crawl of {} resumes at page {} with {} records from {}", url, next.page, records.size(), checkpoint);
        }
        long lastRequest = 0;
        while (next != null) {
            if (next.page > maxPages) {
                throw new ValidationException("crawl of " + url, "end within maxPages " + maxPages, next.page + " pages");
            }
            long wait = lastRequest + minSpacingNanos - System.nanoTime();
            if (lastRequest != 0 && wait > 0) {
                sleep(Duration.ofNanos(wait));
            }
            lastRequest = System.nanoTime();
            Map<String, Object> page = new LinkedHashMap<>();
            fetch(next).forEach((k, v) -> page.put(String.valueOf(k), v));
            List<Map<?, ?>> results = results(page, pageUri(next).toString());
            page.put("_page", next.page);
            append(checkpoint, page);
            records.addAll(results);
            progress.report(next.page, "pages");
            next = results.isEmpty() ? null : following(page, next.page);
        }
        Table.Builder table = Table.builder(schema);
        for (int i = 0; i < records.size(); i++) {
            table.addRow(JsonLinesFiles.row(schema, records.get(i), url + " result " + i));
        }
        return table.build();
    }

    private @Nullable Cursor following(Map<?, ?> page, int number) {
        if (cursorParam != null) {
            Object cursor = page.get(nextCursorField);
            return cursor == null || cursor.toString().isEmpty() ? null : new Cursor(number + 1, cursor.toString());
        }
        if (totalPagesField != null) {
            Object total = page.get(totalPagesField);
            if (!(total instanceof Number)) {
                throw new ValidationException("page " + number + " of " + url + " field '" + totalPagesField + "'",
                        "be a number", total);
            }
            if (number >= ((Number) total).intValue()) {
                return null;
            }
        }
        return new Cursor(number + 1, null);
    }

    private List<Map<?, ?>> results(Map<?, ?> page, String where) {
        Object results = page.get(resultsField);
        if (!(results instanceof List)) {
            throw new ValidationException(where + " field '" + resultsField + "'", "be a JSON array of objects",
                    results == null ? null : results.getClass().getSimpleName());
        }
        List<Map<?, ?>> objects = new ArrayList<>();
        for (Object item : (List<?>) results) {
            if (!(item instanceof Map)) {
                throw new ValidationException(where + " field '" + resultsField + "'", "hold JSON objects only", item);
            }
            objects.add((Map<?, ?>) item);
        }
        return objects;
    }

    private Map<?, ?> fetch(Cursor cursor) {
        URI uri = pageUri(cursor);
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
            headers.forEach(request::header);
            Duration retryAfter = null;
            Exception failure;
            try {
                HttpResponse<byte[]> response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status == 200) {
                    return json.read(response.body(), Map.class);
                }
                String excerpt = new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8);
                failure = new MlopsException("GET " + uri + " answered " + status + ": " + excerpt, null,
                        status == 429 || status >= 500);
                if (status != 429 && status < 500) {
                    throw (MlopsException) failure;
                }
                retryAfter = response.headers().firstValue("Retry-After").flatMap(HttpCrawler::seconds).orElse(null);
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationTimeoutException("GET " + uri + " (interrupted)", timeout);
            }
            if (!retry.shouldRetry(failure, attempt)) {
                throw new MlopsException("GET " + uri + " failed after " + attempt + " attempts: " + failure.getMessage(),
                        failure, true);
            }
            Duration backoff = retry.backoff(attempt, ThreadLocalRandom.current());
            Duration delay = retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
            LOG.info("GET {} attempt {} failed ({}); retrying in {}", uri, attempt, failure.getMessage(), delay);
            sleep(delay);
        }
    }

    private URI pageUri(Cursor cursor) {
        String name = cursorParam != null ? cursorParam : pageParam;
        String value = cursorParam != null ? cursor.token : Integer.toString(cursor.page);
        if (value == null) {
            return url;
        }
        String query = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        String text = url.toString();
        return URI.create(text + (url.getRawQuery() == null ? "?" : "&") + query);
    }

    private List<Map<?, ?>> readCheckpoint(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Map<?, ?>> pages = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    pages.add(json.read(line, Map.class));
                } catch (ValidationException e) {
                    LOG.warn("Crawl checkpoint {} ends in a torn line; refetching from there", file);
                    break;
                }
            }
        } catch (IOException e) {
            throw new MlopsException("cannot read crawl checkpoint " + file + ": " + e, e, true);
        }
        return pages;
    }

    private void append(Path file, Map<String, Object> page) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                out.write(StandardCharsets.UTF_8.encode(json.writeString(page) + "\n"));
                out.force(false);
            }
        } catch (IOException e) {
            throw new MlopsException("cannot write crawl checkpoint " + file + ": " + e, e, true);
        }
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("crawl interrupted", e, true);
        }
    }

    /** The next page to fetch: its number and, for cursor paging, its cursor. */
    private record Cursor(int page, @Nullable String token) {
        static Cursor first() {
            return new Cursor(1, null);
        }
    }

    /** Receives crawl progress. */
    @FunctionalInterface
    private interface Progress {
        void report(long done, String unit);
    }

    /**
     * Builds an {@link HttpCrawler}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final URI url;
        private String pageParam = "page";
        private @Nullable String totalPagesField;
        private @Nullable String cursorParam;
        private @Nullable String nextCursorField;
        private String resultsField = "results";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int rateRequests = 10;
        private Duration rateInterval = Duration.ofSeconds(1);
        private RetryPolicy retry = RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(500))
                .maxBackoff(Duration.ofSeconds(30)).build();
        private Duration timeout = Duration.ofSeconds(30);
        private int maxPages = 100_000;
        private JsonCodec json = JsonCodec.create();

        private Builder(URI url) {
            Checks.notNull("crawler.url", url);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new ValidationException("crawler.url", "be an http(s) URL with a host", url);
            }
            this.url = url;
        }

        /**
         * Pages by number: {@code ?<param>=1,2,...}; stops at an empty page, or after the page whose
         * {@code totalPagesField} says it is the last.
         *
         * @param param the query parameter, default {@code page}
         * @param totalPagesField the field holding the page count, or {@code null} to stop at an empty page
         * @return this builder
         */
        public Builder pages(String param, @Nullable String totalPagesField) {
            this.pageParam = Checks.text("crawler.pageParam", param, 100);
            this.totalPagesField = totalPagesField == null ? null : Checks.text("crawler.totalPagesField", totalPagesField, 100);
            this.cursorParam = null;
            this.nextCursorField = null;
            return this;
        }

        /**
         * Pages by cursor: the first request has no cursor, each next one sends the previous page's
         * {@code nextCursorField} as {@code ?<param>=...}; stops when that field is missing or empty.
         *
         * @param param the query parameter
         * @param nextCursorField the field holding the next cursor
         * @return this builder
         */
        public Builder cursors(String param, String nextCursorField) {
            this.cursorParam = Checks.text("crawler.cursorParam", param, 100);
            this.nextCursorField = Checks.text("crawler.nextCursorField", nextCursorField, 100);
            return this;
        }

        /**
         * Names the field holding each page's array of result objects.
         *
         * @param field default {@code results}
         * @return this builder
         */
        public Builder results(String field) {
            this.resultsField = Checks.text("crawler.results", field, 100);
            return this;
        }

        /**
         * Sends a header with every request.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Checks.text("crawler.header name", name, 100), Checks.text("crawler.header " + name, value, 8192));
            return this;
        }

        /**
         * Sends at most {@code requests} requests per {@code interval}, evenly spaced.
         *
         * @param requests between 1 and 100,000; default 10
         * @param interval positive; default 1 second
         * @return this builder
         */
        public Builder rateLimit(int requests, Duration interval) {
            this.rateRequests = Checks.inRange("crawler.rateLimit requests", requests, 1, 100_000);
            this.rateInterval = Checks.positive("crawler.rateLimit interval", interval);
            return this;
        }

        /**
         * Sets how requests that fail with 429, 5xx or an I/O error are retried.
         *
         * @param policy default 5 attempts, 0.5 s doubling to 30 s
         * @return this builder
         */
        public Builder retry(RetryPolicy policy) {
            this.retry = Checks.notNull("crawler.retry", policy);
            return this;
        }

        /**
         * Limits each request.
         *
         * @param timeout positive; default 30 seconds
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive("crawler.timeout", timeout);
            return this;
        }

        /**
         * Fails a crawl that has not ended after this many pages.
         *
         * @param pages between 1 and 10,000,000; default 100,000
         * @return this builder
         */
        public Builder maxPages(int pages) {
            this.maxPages = Checks.inRange("crawler.maxPages", pages, 1, 10_000_000);
            return this;
        }

        /**
         * Sets the JSON codec that reads pages, e.g. with a tighter size limit.
         *
         * @param json the codec
         * @return this builder
         */
        public Builder json(JsonCodec json) {
            this.json = Checks.notNull("crawler.json", json);
            return this;
        }

        /**
         * Creates the crawler.
         *
         * @return the crawler
         */
        public HttpCrawler build() {
            return new HttpCrawler(this);
        }
    }
}
