package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Table;
import dev.mlops.api.event.Event;
import dev.mlops.api.feature.FeatureValue;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.model.ModelVersion;
import dev.mlops.api.pipeline.PipelineRun;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import dev.mlops.core.training.TrainingReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The movie-ratings application: an embedded MLOps platform for a movie recommender. It starts a
 * platform under a home directory, ingests the movie catalogue from a TMDB-style API it serves on
 * loopback (crawl, validate with quarantine, store), trains and tracks a baseline model, registers
 * it with lineage and promotes it to champion, serves and monitors it, lets the induced drift close
 * the loop (retraining, promotion, hot swap), announces a batch of ratings as an event, receives it
 * on a subscription, and prints a short report.
 *
 * <p>Run it with {@code mvn -q -DskipTests -pl samples/movie-ratings -am package exec:java}; pass a
 * home directory with {@code -Dexec.args=/some/dir}. Events go through the in-process bus, or
 * through Kafka when bootstrap servers are given ({@code -Dkafka.bootstrap-servers=host:9092} or the
 * environment variable {@code KAFKA_BOOTSTRAP_SERVERS}). With {@code -Dweb.port=8080} it then serves a
 * web page that predicts the stars a user would give a movie, until Enter is pressed.
 */
public final class MovieRatingsApp {
    /** The type of the event this application publishes when a batch of ratings arrives. */
    public static final String RATINGS_ARRIVED = "movies.ratings.arrived";

    /** A small batch of (user, movie, stars) ratings, as a ratings feed would deliver it. */
    static final List<Rating> BATCH = List.of(
            new Rating("u1", "m-alien", 5), new Rating("u1", "m-heat", 4), new Rating("u2", "m-alien", 4),
            new Rating("u2", "m-up", 3), new Rating("u3", "m-heat", 2), new Rating("u3", "m-brazil", 5));

    /** What the platform keeps where under its home, in the order the report lists it. */
    private static final Map<String, String> HOME_LAYOUT = new LinkedHashMap<>();

    static {
        HOME_LAYOUT.put("crawls/", "crawl state, so an interrupted crawl resumes");
        HOME_LAYOUT.put("data/", "datasets the pipelines stored (the validated catalogue)");
        HOME_LAYOUT.put("pipelines/", "run journals: steps, attempts, outputs, for resume and history");
        HOME_LAYOUT.put("features/", "feature definitions, the offline log (DuckDB) and the online store (RocksDB)");
        HOME_LAYOUT.put("tracking/", "experiments and runs: parameters, metric series, artifacts");
        HOME_LAYOUT.put("registry/", "model versions, aliases, stages, approvals and their history");
        HOME_LAYOUT.put("artifacts/", "model files and datasets by SHA-256");
        HOME_LAYOUT.put("metrics.prom", "the Prometheus scrape of this run");
    }

    private MovieRatingsApp() {
    }

    /** One rating. */
    record Rating(String user, String movie, int stars) {
    }

    /**
     * The web page to serve once the loop has closed, and what to do while it is open.
     *
     * @param port its port, 0 for any free one
     * @param whileOpen given the page's address; the page closes when it returns
     */
    record Web(int port, Consumer<URI> whileOpen) {
    }

    /**
     * Runs the application.
     *
     * @param args an optional home directory; default {@code target/movie-ratings-home}
     */
    public static void main(String[] args) {
        // PyTorch comes from the pytorch-native-cpu jar on the class path; DJL must not download it.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Path home = Path.of(args.length > 0 ? args[0] : "target/movie-ratings-home");
        String kafka = System.getProperty("kafka.bootstrap-servers", System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        String port = System.getProperty("web.port");
        Web web = port == null ? null : new Web(Integer.parseInt(port), uri -> {
            System.out.println("  web        " + uri + " (pick a user and a movie), " + uri.resolve("metrics")
                    + " (Prometheus); press Enter to stop");
            try {
                System.in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!run(home, System.out, kafka == null || kafka.isBlank() ? null : kafka, web)) {
            System.exit(1);
        }
    }

    /**
     * Runs every stage without the web page.
     *
     * @param home the platform home
     * @param out where the report goes
     * @param kafka Kafka bootstrap servers, or {@code null} for the in-process event bus
     * @return whether every stage worked and the loop closed
     */
    static boolean run(Path home, PrintStream out, String kafka) {
        return run(home, out, kafka, null);
    }

    /**
     * Starts the platform, publishes the batch event, waits for its delivery and prints the report.
     *
     * @param home the platform home
     * @param out where the report goes
     * @param kafka Kafka bootstrap servers, or {@code null} for the in-process event bus
     * @param web the web page to serve once the loop has closed, or {@code null}
     * @return whether every stage worked and the loop closed
     */
    static boolean run(Path home, PrintStream out, String kafka, Web web) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Event> received = new CopyOnWriteArrayList<>();
        CountDownLatch arrived = new CountDownLatch(1);
        boolean delivered;
        Path dir;
        PipelineRun ingestion;
        PipelineRun training = null;
        RatingModel.Served served = null;
        List<String> versions = new ArrayList<>();
        out.println("movie-ratings on an embedded MLOps platform, events on " + (kafka == null ? "the in-process bus"
                : "Kafka at " + kafka));
        try (MovieApiServer api = MovieApiServer.start();
                MlopsPlatform mlops = platform(home, meters, kafka)) {
            dir = mlops.home();
            out.printf("  home       %s%n", dir);
            IngestionPipeline ingest = new IngestionPipeline(api.discoverUri());
            ingestion = mlops.pipelines().run(ingest.pipeline);
            if (ingestion.state() == RunState.SUCCEEDED) {
                Table catalogue = ingestion.output(ingest.validate).orElseThrow();
                int crawled = ingestion.output(ingest.crawl).orElseThrow().rowCount();
                Path stored = ingestion.output(ingest.store).orElseThrow();
                out.printf("  ingest     run %s: crawled %d movies, kept %d, quarantined %d, stored %s%n", ingestion.runId(),
                        crawled, catalogue.rowCount(), crawled - catalogue.rowCount(), dir.relativize(stored));

                MovieFeatures features = new MovieFeatures(stored);
                String plan = mlops.features().apply(features.definitions()).changes().size() + " definitions applied";
                features.pushUserStats(mlops.features(), mlops.clock().instant());
                Table set = features.trainingSet(mlops.features());
                int withFeatures = (int) IntStream.range(0, set.rowCount())
                        .filter(r -> !set.isNull(r, set.schema().indexOf("movie_stats__vote_average"))).count();
                int withGap = (int) IntStream.range(0, set.rowCount())
                        .filter(r -> !set.isNull(r, set.schema().indexOf("taste_gap__gap"))).count();
                out.printf("  features   %s; training set %d rows x %d columns, %d with movie_stats as of their rating time,"
                        + " %d with a taste gap%n", plan, set.rowCount(), set.schema().size(), withFeatures, withGap);
                FeatureVector online = features.online(mlops.features(), mlops.clock().instant(), 1L, 2L);
                FeatureValue vote = online.values().get("movie_stats__vote_average");
                FeatureValue gap = online.values().get("taste_gap__gap");
                out.printf(Locale.ROOT, "  online     movie 1: vote_average %s (%s, from %s); user 2: taste gap %.2f (%s)%n",
                        vote.value(), vote.status(), vote.eventTime().map(Object::toString).orElse("-"), (Double) gap.value(),
                        gap.status());

                RatingModel.Trained starRater = RatingModel.train(mlops, set, out);
                TrainingReport report = starRater.report();
                out.printf(Locale.ROOT, "  mlp        %s on %d rated rows: validation rmse %.2f, best epoch %d of %d%s; version"
                        + " %d%s%n", RatingModel.MODEL, starRater.rows(), report.metrics().get("rmse"), report.bestEpoch(),
                        report.epochs().size(), report.stoppedEarly() ? " (stopped early)" : "", starRater.version(),
                        starRater.champion() ? " is now the champion" : " was not promoted");

                served = RatingModel.serve(mlops, online, set, starRater.version(), meters::scrape, out,
                        (endpoint, watched) -> {
                            if (web != null) {
                                try (RatingsWebPage page = RatingsWebPage.start(web.port(), mlops.features(), features,
                                        catalogue, endpoint, watched.shifted(), meters::scrape)) {
                                    web.whileOpen().accept(page.uri());
                                }
                            }
                        });

                TrainingPipeline train = new TrainingPipeline(stored);
                training = mlops.pipelines().run(train.pipeline);
                if (training.state() == RunState.SUCCEEDED) {
                    TrainingPipeline.GenreMeans model = training.output(train.fit).orElseThrow();
                    TrainingPipeline.Registered version = training.output(train.register).orElseThrow();
                    out.printf(Locale.ROOT, "  train      run %s: genre-mean baseline, rmse %.3f, tracked as %s%n",
                            training.runId(), model.rmse(), version.trackingRun());
                    out.printf("  registry   %s version %d%s%n", TrainingPipeline.MODEL, version.version(),
                            version.champion() ? " is now the champion" : " was not promoted");
                } else {
                    out.printf("  train      run %s %s: %s%n", training.runId(), training.state(), training.steps());
                }
            } else {
                out.printf("  ingest     run %s %s: %s%n", ingestion.runId(), ingestion.state(), ingestion.steps());
            }

            mlops.eventBus().subscribe("movies.ratings.*", event -> {
                received.add(event);
                arrived.countDown();
            });
            Event batch = mlops.newEvent(RATINGS_ARRIVED)
                    .subject("batch-0001")
                    .data("rows", BATCH.size())
                    .data("users", BATCH.stream().map(Rating::user).distinct().count())
                    .data("movies", BATCH.stream().map(Rating::movie).distinct().count())
                    .data("mean_stars", BATCH.stream().mapToInt(Rating::stars).average().orElse(0))
                    .build();
            long start = System.nanoTime();
            mlops.eventBus().publish(batch);
            out.printf("  published  %s  subject=%s  %s%n", batch.type(), batch.subject().orElse("-"), describe(batch));
            delivered = await(arrived, Duration.ofSeconds(10));
            if (delivered) {
                out.printf(Locale.ROOT, "  received   %s  by subscription 'movies.ratings.*' after %.1f ms%n",
                        received.get(0).type(), (System.nanoTime() - start) / 1e6);
            } else {
                out.println("  received   nothing within 10 s");
            }
            for (String model : List.of(RatingModel.MODEL, TrainingPipeline.MODEL)) {
                for (ModelVersion v : mlops.registry().versions(model)) {
                    versions.add(model + " " + v.version() + (v.aliases().isEmpty() ? "" : " " + v.aliases()));
                }
            }
        }
        // Closing the platform drained its bus, so the metrics below are final.
        out.printf(Locale.ROOT, "  metrics    %s=%.0f %s=%.0f (the SDK's own platform and pipeline events included)%n",
                MetricNames.EVENT_PUBLISHED, count(meters, MetricNames.EVENT_PUBLISHED),
                MetricNames.EVENT_DELIVERED, count(meters, MetricNames.EVENT_DELIVERED));
        out.printf("  look       %s%n", dir);
        HOME_LAYOUT.forEach((entry, what) -> {
            if (Files.exists(dir.resolve(entry))) {
                out.printf("               %-14s %s%n", entry, what);
            }
        });
        out.printf("             model versions: %s%n", versions.isEmpty() ? "none" : String.join(", ", versions));
        out.printf("             metrics: the scrape in metrics.prom; with -Dweb.port=8080 the web page and"
                + " http://127.0.0.1:8080/metrics stay up until Enter%n");
        boolean caughtDrift = served != null && !served.watched().calm().datasetDrift()
                && served.watched().shifted().datasetDrift() && !served.watched().alerts().isEmpty();
        boolean ok = delivered && ingestion.state() == RunState.SUCCEEDED && training != null
                && training.state() == RunState.SUCCEEDED && caughtDrift && served.loop().isPresent()
                && served.canary().sticky();
        out.println(ok ? "OK: ingested the movie catalogue, trained, registered and served a model, caught the induced"
                + " drift, closed the loop, ran a canary, exchanged a ratings event." : "FAILED: see above.");
        return ok;
    }

    /** The platform: embedded, with its events on Kafka when bootstrap servers are given. */
    private static MlopsPlatform platform(Path home, MeterRegistry meters, String kafka) {
        MlopsPlatform.Builder platform = MlopsPlatform.builder().name("movie-ratings").home(home).meterRegistry(meters);
        if (kafka != null) {
            platform.eventBusProvider("kafka").property("kafka.bootstrap-servers", kafka)
                    .property("kafka.topic", "movie-ratings-events").property("kafka.group", "movie-ratings")
                    .property("kafka.partitions", "1").property("kafka.replication", "1");
        }
        return platform.build();
    }

    private static double count(MeterRegistry meters, String metric) {
        return meters.find(metric).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String describe(Event event) {
        StringBuilder text = new StringBuilder();
        event.data().forEach((key, value) -> text.append(text.length() == 0 ? "" : " ").append(key).append('=')
                .append(value instanceof Double ? String.format(Locale.ROOT, "%.2f", value) : value));
        return text.toString();
    }

    private static boolean await(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
