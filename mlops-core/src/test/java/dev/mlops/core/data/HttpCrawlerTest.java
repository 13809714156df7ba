package dev.mlops.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.MlopsException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.RetryPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpCrawlerTest {
    static final Schema MOVIES = Schema.of(Column.of("id", ColumnType.LONG), Column.of("title", ColumnType.STRING));
    static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO)
            .maxBackoff(Duration.ofMillis(1)).build();

    @TempDir
    Path dir;
    private HttpServer server;
    private URI base;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Status codes to answer, in turn, before a page is served normally, by page number. */
    private final Map<Integer, List<Integer>> failures = new ConcurrentHashMap<>();
    private final AtomicInteger permanentFailurePage = new AtomicInteger(-1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/movies", this::pages);
        server.createContext("/feed", this::cursors);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void pages(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        requests.add(query);
        int page = Integer.parseInt(query.replaceAll(".*page=(\\d+).*", "$1"));
        List<Integer> planned = failures.get(page);
        if (page == permanentFailurePage.get()) {
            send(exchange, 503, "{\"status\":\"down\"}");
            return;
        }
        if (planned != null && !planned.isEmpty()) {
            send(exchange, planned.remove(0), "{\"status\":\"try later\"}");
            return;
        }
        StringBuilder results = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            int id = (page - 1) * 2 + i + 1;
            results.append(i == 0 ? "" : ",").append("{\"id\":").append(id).append(",\"title\":\"Movie ").append(id)
                    .append("\",\"popularity\":1.5}");
        }
        send(exchange, 200, "{\"page\":" + page + ",\"total_pages\":3,\"results\":[" + results + "]}");
    }

    private void cursors(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        requests.add(String.valueOf(query));
        if (query == null) {
            send(exchange, 200, "{\"items\":[{\"id\":1,\"title\":\"a\"}],\"next\":\"c2\"}");
        } else if (query.equals("after=c2")) {
            send(exchange, 200, "{\"items\":[{\"id\":2,\"title\":\"b\"}],\"next\":\"\"}");
        } else {
            send(exchange, 400, "{\"error\":\"bad cursor\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (status == 429) {
            exchange.getResponseHeaders().add("Retry-After", "0");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpCrawler.Builder movies() {
        return HttpCrawler.builder(base.resolve("/movies?lang=en")).pages("page", "total_pages").results("results")
                .retry(FAST).rateLimit(1000, Duration.ofSeconds(1));
    }

    @Test
    void crawlsNumberedPagesUntilTheLast() {
        Table t = movies().build().crawl(MOVIES, dir.resolve("cp.jsonl"));
        assertThat(t.rowCount()).isEqualTo(6);
        assertThat(t.row(5)).containsExactly(6L, "Movie 6");
        assertThat(requests).containsExactly("lang=en&page=1", "lang=en&page=2", "lang=en&page=3");
    }

    @Test
    void crawlsCursorsUntilThereIsNoNext() {
        Table t = HttpCrawler.builder(base.resolve("/feed")).cursors("after", "next").results("items").build()
                .crawl(MOVIES, dir.resolve("cp.jsonl"));
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(requests).containsExactly("null", "after=c2");
    }

    @Test
    void retriesTooManyRequestsAndServerErrors() {
        failures.put(2, new CopyOnWriteArrayList<>(List.of(429, 500)));
        Table t = movies().build().crawl(MOVIES, dir.resolve("cp.jsonl"));
        assertThat(t.rowCount()).isEqualTo(6);
        assertThat(requests).containsExactly("lang=en&page=1", "lang=en&page=2", "lang=en&page=2", "lang=en&page=2",
                "lang=en&page=3");
    }

    @Test
    void failsAtOnceOnOtherClientErrors() {
        failures.put(1, new CopyOnWriteArrayList<>(List.of(404)));
        assertThatThrownBy(() -> movies().build().crawl(MOVIES, dir.resolve("cp.jsonl"))).isInstanceOf(MlopsException.class)
                .hasMessageContaining("answered 404");
        assertThat(requests).hasSize(1);
    }

    @Test
    void resumesAfterTheLastCheckpointedPage() {
        Path checkpoint = dir.resolve("cp.jsonl");
        permanentFailurePage.set(3);
        assertThatThrownBy(() -> movies().build().crawl(MOVIES, checkpoint)).isInstanceOf(MlopsException.class)
                .hasMessageContaining("failed after 3 attempts");
        permanentFailurePage.set(-1);
        requests.clear();

        Table t = movies().build().crawl(MOVIES, checkpoint);

        assertThat(t.rowCount()).isEqualTo(6);
        assertThat(requests).containsExactly("lang=en&page=3");
    }

    @Test
    void ignoresATornCheckpointLine() throws IOException {
        Path checkpoint = dir.resolve("cp.jsonl");
        movies().maxPages(10).build().crawl(MOVIES, checkpoint);
        List<String> lines = Files.readAllLines(checkpoint);
        Files.writeString(checkpoint, lines.get(0) + "\n" + lines.get(1).substring(0, 10));
        requests.clear();
        assertThat(movies().build().crawl(MOVIES, checkpoint).rowCount()).isEqualTo(6);
        assertThat(requests).containsExactly("lang=en&page=2", "lang=en&page=3");
    }

    @Test
    void spacesRequestsToTheRateLimit() {
        long start = System.nanoTime();
        movies().rateLimit(10, Duration.ofSeconds(1)).build().crawl(MOVIES, dir.resolve("cp.jsonl"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void rejectsPagesThatAreNotTheExpectedJson() {
        assertThatThrownBy(() -> movies().results("items").build().crawl(MOVIES, dir.resolve("cp.jsonl")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("field 'items' must be a JSON array of objects, was null");
        Schema wrong = Schema.of(Column.of("title", ColumnType.LONG));
        assertThatThrownBy(() -> movies().build().crawl(wrong, dir.resolve("cp2.jsonl")))
                .hasMessageContaining("result 0 column 'title' must be a whole JSON number (LONG), was 'Movie 1'");
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> HttpCrawler.builder(URI.create("ftp://x/y"))).hasMessage("crawler.url must be an http(s) URL with a host, was 'ftp://x/y'");
        assertThatThrownBy(() -> movies().rateLimit(0, Duration.ofSeconds(1))).hasMessage("crawler.rateLimit requests must be between 1 and 100000, was '0'");
        assertThatThrownBy(() -> movies().maxPages(2).build().crawl(MOVIES, dir.resolve("cp.jsonl")))
                .hasMessageContaining("must end within maxPages 2, was '3 pages'");
    }
}
