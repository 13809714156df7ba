package dev.mlops.samples.movieratings;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.feature.Entity;
import dev.mlops.api.feature.FeatureDefinitions;
import dev.mlops.api.feature.FeatureService;
import dev.mlops.api.feature.FeatureSource;
import dev.mlops.api.feature.FeatureStore;
import dev.mlops.api.feature.FeatureVector;
import dev.mlops.api.feature.FeatureView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 of the movie-ratings lifecycle: the movie entity, a view of movie statistics over the
 * stored catalogue (valid from each movie's release date), a feature service, and a point-in-time
 * training set for a few rating events.
 */
final class MovieFeatures {
    final Entity movie = Entity.builder("movie").joinKey("id", ColumnType.LONG).description("a film in the catalogue").build();
    final FeatureView movieStats;
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
        service = FeatureService.builder("movie_rater_features").features(movieStats).build();
    }

    FeatureDefinitions definitions() {
        return FeatureDefinitions.of(movie, movieStats, service);
    }

    /** Rating events to label: (movie id, when it was rated, stars). */
    static Table ratingEvents() {
        Schema schema = Schema.of(Column.of("id", ColumnType.LONG), Column.of("rated_at", ColumnType.TIMESTAMP),
                Column.of("stars", ColumnType.LONG));
        Table.Builder rows = Table.builder(schema);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (long id = 1; id <= 20; id++) {
            rows.addRow(id, at.plus(Duration.ofHours(id)), 1 + id % 5);
        }
        rows.addRow(999_999L, at, 3L);   // a movie the catalogue does not have: its features stay null
        return rows.build();
    }

    /** Loads the latest statistics of every movie into the online store and reads one movie back. */
    FeatureVector online(FeatureStore features, Instant now, long movieId) {
        features.materialize(Instant.EPOCH, now);
        return features.onlineFeatures(List.of(Map.of("id", movieId)), service).get(0);
    }

    Table trainingSet(FeatureStore features) {
        return features.historicalFeatures(ratingEvents(), "rated_at", service);
    }
}
