package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureRef;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import dev.mlops.api.feature.OnDemandFeatureView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stage 2 of the movie-ratings lifecycle: the movie and user entities, a view of movie statistics
 * over the stored catalogue (valid from each movie's release date), a view of user rating statistics
 * fed by pushes, an on-demand "taste gap" computed from both at read time, a feature service, a
 * point-in-time training set for a few rating events, and online reads.
 */
final class MovieFeatures {
    static final String USER_PUSH = "user_ratings";
    static final int RATINGS = 300;
    final Entity movie = Entity.builder("movie").joinKey("id", ColumnType.LONG).description("a film in the catalogue").build();
    final Entity user = Entity.builder("user").joinKey("user_id", ColumnType.LONG).description("someone who rates").build();
    final FeatureView movieStats;
    final FeatureView userStats = FeatureView.builder("user_rating_stats")
            .entities("user")
            .field("ratings_count", ColumnType.LONG)
            .field("mean_stars", ColumnType.DOUBLE)
            .ttl(Duration.ofDays(30))
            .source(FeatureSource.push(USER_PUSH, "at"))
            .owner("movie-ratings")
            .build();
    /** How far a user's mean stars lie from the movie's vote average (on the same 5-star scale). */
    final OnDemandFeatureView tasteGap = OnDemandFeatureView.builder("taste_gap")
            .input(new FeatureRef("user_rating_stats", 1, "mean_stars"))
            .input(new FeatureRef("movie_stats", 1, "vote_average"))
            .field("gap", ColumnType.DOUBLE)
            .transformation(in -> {
                Double stars = (Double) in.get("user_rating_stats__mean_stars");
                Double votes = (Double) in.get("movie_stats__vote_average");
                return Collections.singletonMap("gap", stars == null || votes == null ? null : stars - votes / 2);
            })
            .build();
    final FeatureService service;

    MovieFeatures(Path moviesCsv) {
        movieStats = FeatureView.builder("movie_stats")
                .entities("movie")
                .field("vote_average", ColumnType.DOUBLE)
                .field("popularity", ColumnType.DOUBLE)
                .field("vote_count", ColumnType.LONG)
                .ttl(Duration.ofDays(365L * 60))
                .source(FeatureSource.csv(moviesCsv, "release_date"))
                .owner("movie-ratings")
                .build();
        service = FeatureService.builder("movie_rater_features").features(movieStats).features(userStats)
                .features(tasteGap).build();
    }

    FeatureDefinitions definitions() {
        return FeatureDefinitions.of(movie, user, movieStats, userStats, tasteGap, service);
    }

    /**
     * Rating events to label: (movie id, user id, when it was rated, stars). Users rate good movies
     * higher, and each user is more or less generous; one event is for a movie the catalogue lacks.
     */
    static Table ratingEvents() {
        Schema schema = Schema.of(Column.of("id", ColumnType.LONG), Column.of("user_id", ColumnType.LONG),
                Column.of("rated_at", ColumnType.TIMESTAMP), Column.of("stars", ColumnType.LONG));
        Table.Builder rows = Table.builder(schema);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Random random = new Random(2026);
        for (int i = 0; i < RATINGS; i++) {
            int movie = 1 + random.nextInt(100);
            long user = 1 + i % 4;
            double stars = MovieApiServer.voteAverage(movie) / 2 + (user - 2.5) / 2 + random.nextGaussian() * 0.3;
            rows.addRow((long) movie, user, at.plus(Duration.ofHours(i)), Math.max(1, Math.min(5, Math.round(stars))));
        }
        rows.addRow(999_999L, 1L, at, 3L);   // a movie the catalogue does not have: its features stay null
        return rows.build();
    }

    /** Pushes each user's rating statistics as they stood the day before the rating events, and as they stand now. */
    void pushUserStats(FeatureStore features, Instant now) {
        Schema schema = Schema.of(Column.of("user_id", ColumnType.LONG), Column.of("at", ColumnType.TIMESTAMP),
                Column.of("ratings_count", ColumnType.LONG), Column.of("mean_stars", ColumnType.DOUBLE));
        Table.Builder rows = Table.builder(schema);
        Instant dayBefore = Instant.parse("2025-12-31T00:00:00Z");
        for (long user = 1; user <= 4; user++) {
            rows.addRow(user, dayBefore, 10 * user, 2.5 + user / 2.0);
            rows.addRow(user, now, 10 * user + 5, 2.4 + user / 2.0);
        }
        features.push(USER_PUSH, rows.build());
    }

    /** Loads the latest statistics of every movie into the online store and reads a user's view of one movie. */
    FeatureVector online(FeatureStore features, Instant now, long movieId, long userId) {
        features.materialize(Instant.EPOCH, now);
        return features.onlineFeatures(List.of(Map.of("id", movieId, "user_id", userId)), service).get(0);
    }

    Table trainingSet(FeatureStore features) {
        return features.historicalFeatures(ratingEvents(), "rated_at", service);
    }
}
