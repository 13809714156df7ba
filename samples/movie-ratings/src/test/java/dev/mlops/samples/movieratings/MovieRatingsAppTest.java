package dev.mlops.samples.movieratings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import dev.mlops.testkit.kafka.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MovieRatingsAppTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void runsEveryStageClosesTheLoopOnTheInProcessBusAndServesTheWebPage(@TempDir Path home) throws Exception {
        WebPageCheck page = new WebPageCheck(Path.of("target", "web-page.png"));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        String report = run(home, null, new MovieRatingsApp.Web(0, uri -> {
            try {
                page.check(uri);
            } catch (Throwable e) {
                failed.set(e);
            }
        }));
        if (failed.get() != null) {
            throw new AssertionError("the web page check failed: " + failed.get(), failed.get());
        }
        page.skipped().ifPresent(why -> System.out.println("web page checked over HTTP only: " + why));
        assertThat(report).startsWith("movie-ratings on an embedded MLOps platform, events on the in-process bus");
        String scrape = Files.readString(home.resolve("metrics.prom"));
        assertThat(scrape).containsPattern("mlops_monitor_drift_score\\{feature=\"movie_stats__vote_average\","
                        + "model=\"movie-star-rater\"} \\d\\.\\d+E-\\d+")
                .contains("mlops_monitor_alerts_total{outcome=\"sent\",sink=\"report\"} 1.0")
                .contains("mlops_serving_requests_total{endpoint=\"star-rater\",outcome=\"ok\",route=\"champion\"}");
    }

    @Test
    void closesTheLoopThroughKafkaWhenGivenBootstrapServers(@TempDir Path home) throws Exception {
        String report = run(home, KAFKA.broker().bootstrapServers(), null);
        assertThat(report).startsWith("movie-ratings on an embedded MLOps platform, events on Kafka at "
                + KAFKA.broker().bootstrapServers());
    }

    /** Runs the sample and checks the report every run prints. */
    private static String run(Path home, String kafka, MovieRatingsApp.Web web) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = MovieRatingsApp.run(home, new PrintStream(bytes, true, StandardCharsets.UTF_8), kafka, web);
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(ok).as(report).isTrue();
        assertThat(report)
                .contains("home       " + home.toAbsolutePath())
                .contains("published  movies.ratings.arrived  subject=batch-0001  rows=6 users=3 movies=4 mean_stars=3.83")
                .contains("received   movies.ratings.arrived  by subscription 'movies.ratings.*'")
                .containsPattern("ingest     run r\\d{8}t\\d{6}-[0-9a-f]{8}: crawled 100 movies, kept 96, quarantined 4, "
                        + "stored data/raw/movies-r.*\\.csv")
                .containsPattern("train      run r\\S+: genre-mean baseline, rmse \\d\\.\\d{3}, tracked as p[0-9a-f]{24}")
                .contains("features   6 definitions applied; training set 301 rows x 10 columns, 287 with movie_stats as of"
                        + " their rating time, 287 with a taste gap")
                .containsPattern("mlp        movie-star-rater on 287 rated rows: validation rmse 0\\.\\d\\d, best epoch \\d+ of \\d+"
                        + "( \\(stopped early\\))?; version 1 is now the champion")
                .containsPattern("serve      movie 1 for user 2: \\d\\.\\d stars from movie-star-rater version 1 \\(champion\\), "
                        + "\\d+\\.\\d ms in the model")
                .containsPattern("http       POST /v2/models/star-rater/infer -> 200 \\{\"model_name\":\"star-rater\","
                        + "\"model_version\":\"1\",\"id\":\"sample\",\"outputs\":\\[\\{.*\"data\":\\[\\d\\.\\d+\\]")
                .containsPattern("online     movie 1: vote_average \\d\\.\\d \\(PRESENT, from \\d{4}-\\d\\d-\\d\\dT00:00:00Z\\);"
                        + " user 2: taste gap -?\\d\\.\\d\\d \\(PRESENT\\)")
                .contains("registry   movie-rater version 1 is now the champion")
                .contains("monitor    window 1, the rated rows as live traffic (200 requests): no drift in 0 of 5 features")
                .contains("drift      window 2, vote_average +2 and popularity x3 (200 requests): DRIFT in 3 of 5 features")
                .containsPattern("movie_stats__vote_average +KS +p=0\\.0000 drifted")
                .containsPattern("alert      FIRING WARNING drift/movie-star-rater: 3 of 5 features drifted over 200 rows")
                .containsPattern("scrape     GET /metrics -> 200, \\d+ series \\(saved to metrics.prom\\)")
                .containsPattern("loop       drift event -> retraining run \\S+ -> movie-star-rater version 2 \\(validation rmse"
                        + " 0\\.\\d\\d\\) -> champion -> star-rater swapped to version 2, \\d+ ms after the drift event")
                .containsPattern("mlops\\.event\\.published=\\d+ mlops\\.event\\.delivered=\\d+ ")
                .containsPattern("progress   movie-star-rater epoch 10 of at most 150: validation loss \\d\\.\\d{3}")
                .containsPattern("canary     movie-star-rater version 3 \\(challenger\\) on 20% of the traffic: 100 HTTP requests"
                        + " from 50 users, \\d+ answered by the challenger and \\d+ by the champion, each user on one route;"
                        + " canary ended")
                .containsPattern("model versions: movie-star-rater 1, movie-star-rater 2 \\[champion\\], movie-star-rater 3"
                        + " \\[challenger\\], movie-rater 1 \\[champion\\]")
                .endsWith("OK: ingested the movie catalogue, trained, registered and served a model, caught the induced drift,"
                        + " closed the loop, ran a canary, exchanged a ratings event." + System.lineSeparator());
        return report;
    }
}
