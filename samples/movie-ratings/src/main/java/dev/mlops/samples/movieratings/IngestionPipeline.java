package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Expectations;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.RetryPolicy;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.data.CsvFiles;
import dev.mlops.core.data.HttpCrawler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Stage 1 of the movie-ratings lifecycle: crawl the movie catalogue, validate it (quarantining bad
 * rows), and store the raw table under the platform home.
 */
final class IngestionPipeline {
    static final Schema MOVIES = Schema.of(
            Column.of("id", ColumnType.LONG),
            Column.of("title", ColumnType.STRING),
            Column.of("genre", ColumnType.STRING),
            Column.of("release_date", ColumnType.DATE),
            Column.of("popularity", ColumnType.DOUBLE),
            Column.of("vote_average", ColumnType.DOUBLE),
            Column.of("vote_count", ColumnType.LONG));

    static final Expectations CHECKS = Expectations.builder("movies")
            .column("id", c -> c.notNull().unique())
            .column("title", c -> c.notNull())
            .column("genre", c -> c.in("drama", "comedy", "thriller", "animation", "documentary"))
            .column("vote_average", c -> c.between(0, 10))
            .column("vote_count", c -> c.between(0, 1_000_000))
            .rowCount(1, 1_000_000)
            .quarantine()
            .build();

    final Step<Table> crawl;
    final Step<Table> validate;
    final Step<Path> store;
    final Pipeline pipeline;

    IngestionPipeline(URI api) {
        HttpCrawler crawler = HttpCrawler.builder(api)
                .pages("page", "total_pages")
                .results("results")
                .rateLimit(50, Duration.ofSeconds(1))
                .retry(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(200)).build())
                .build();
        var p = Pipeline.builder("ingest-movies");
        crawl = p.step("crawl", ctx -> crawler.crawl(ctx, MOVIES)).retries(2);
        validate = p.step("validate", crawl, (ctx, movies) -> CHECKS.enforce(ctx, movies));
        store = p.step("store", validate, (ctx, movies) -> {
            Path file = ctx.platform().home().resolve("data/raw/movies-" + ctx.runId() + ".csv");
            CsvFiles.write(movies, file);
            ctx.log().info("stored {} movies in {}", movies.rowCount(), file);
            return file;
        }).output(Path.class);
        pipeline = p.build();
    }
}
