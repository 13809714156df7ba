package dev.mlops.samples.movieratings;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Random;

/**
 * A small TMDB-style movie API on loopback, serving generated data: {@code GET /3/discover/movie?page=N}
 * answers {@code {"page", "total_pages", "total_results", "results": [...]}} with 20 movies a page.
 * A few movies are deliberately broken (a vote average of 11, a missing title) so that validation has
 * something to quarantine.
 */
final class MovieApiServer implements AutoCloseable {
    static final int PAGES = 5;
    static final int PER_PAGE = 20;
    private static final String[] GENRES = {"drama", "comedy", "thriller", "animation", "documentary"};
    private static final String[] WORDS = {"Silent", "River", "Night", "Echo", "Garden", "Iron", "Paper", "Summer",
            "Winter", "Last", "Blue", "Moon", "City", "Road", "Glass"};

    private final HttpServer server;

    private MovieApiServer(HttpServer server) {
        this.server = server;
    }

    static MovieApiServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            MovieApiServer api = new MovieApiServer(server);
            server.createContext("/3/discover/movie", api::discover);
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the movie API on loopback", e);
        }
    }

    URI discoverUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/3/discover/movie?language=en-US");
    }

    private void discover(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        int page = 1;
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("page=")) {
                page = Integer.parseInt(pair.substring(5));
            }
        }
        StringBuilder results = new StringBuilder();
        if (page >= 1 && page <= PAGES) {
            for (int i = 0; i < PER_PAGE; i++) {
                results.append(i == 0 ? "" : ",").append(movie((page - 1) * PER_PAGE + i + 1));
            }
        }
        byte[] body = ("{\"page\":" + page + ",\"total_pages\":" + PAGES + ",\"total_results\":" + PAGES * PER_PAGE
                + ",\"results\":[" + results + "]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The vote average the API serves for a movie (11.0, out of range, for every 37th). */
    static double voteAverage(int id) {
        if (id % 37 == 0) {
            return 11.0;
        }
        Random random = new Random(id);
        random.nextInt(WORDS.length);
        random.nextInt(WORDS.length);
        return Math.round((4 + random.nextDouble() * 5) * 10) / 10.0;
    }

    private static String movie(int id) {
        Random random = new Random(id);
        String title = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
        random.nextDouble();
        double vote = voteAverage(id);
        String titleJson = id % 41 == 0 ? "null" : "\"" + title + "\"";
        LocalDate released = LocalDate.of(1980, 1, 1).plusDays(random.nextInt(16_000));
        return String.format(Locale.ROOT, "{\"id\":%d,\"title\":%s,\"genre\":\"%s\",\"release_date\":\"%s\","
                        + "\"popularity\":%.3f,\"vote_average\":%.1f,\"vote_count\":%d}", id, titleJson,
                GENRES[random.nextInt(GENRES.length)], released, random.nextDouble() * 100, vote, random.nextInt(5000));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
