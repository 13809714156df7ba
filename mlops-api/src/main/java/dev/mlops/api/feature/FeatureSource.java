package dev.mlops.api.feature;

import dev.mlops.api.Checks;
import dev.mlops.api.Name;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a feature view's rows come from: a CSV or Parquet file (or directory of files), a push
 * source that applications write to, or a stream. Every source names its event-time column and,
 * optionally, a created-time column that breaks ties between rows with the same event time.
 *
 * <pre>{@code
 * FeatureSource.csv(Path.of("data/user_stats.csv"), "event_ts").withCreatedColumn("created_ts");
 * FeatureSource.parquet(Path.of("data/movie_stats"), "event_ts");
 * FeatureSource.push("ratings_push", "event_ts");
 * FeatureSource.stream("ratings_stream", "ratings", "event_ts");      // served by mlops-kafka
 * }</pre>
 *
 * @param kind what kind of source
 * @param location the file or directory for file sources, the topic for streams, empty for push sources
 * @param name a name for push and stream sources, empty for files
 * @param timestampColumn the event-time column
 * @param createdColumn the created-time column, if any
 * @since 0.1.0
 */
public record FeatureSource(Kind kind, String location, String name, String timestampColumn,
        Optional<String> createdColumn) {

    /** The kinds of source. */
    public enum Kind {
        /** CSV files with a header row. */
        CSV,
        /** Parquet files. */
        PARQUET,
        /** Rows pushed by applications through the feature store. */
        PUSH,
        /** A stream (a Kafka topic). */
        STREAM
    }

    /**
     * Checks the source.
     *
     * @param kind the kind
     * @param location the location
     * @param name the name
     * @param timestampColumn the event-time column
     * @param createdColumn the created-time column
     */
    public FeatureSource {
        Checks.notNull("source.kind", kind);
        Checks.notNull("source.location", location);
        Checks.notNull("source.name", name);
        Name.check("source.timestampColumn", timestampColumn);
        createdColumn = Checks.notNull("source.createdColumn", createdColumn);
        createdColumn.ifPresent(c -> Name.check("source.createdColumn", c));
        if ((kind == Kind.PUSH || kind == Kind.STREAM) && name.isEmpty()) {
            throw new ValidationException("source.name", "be set for " + kind.name().toLowerCase(Locale.ROOT) + " sources", name);
        }
    }

    /**
     * CSV files.
     *
     * @param path a file, or a directory of {@code .csv} files
     * @param timestampColumn the event-time column
     * @return the source
     */
    public static FeatureSource csv(Path path, String timestampColumn) {
        return new FeatureSource(Kind.CSV, file(path), "", timestampColumn, Optional.empty());
    }

    /**
     * Parquet files.
     *
     * @param path a file, or a directory of {@code .parquet} files
     * @param timestampColumn the event-time column
     * @return the source
     */
    public static FeatureSource parquet(Path path, String timestampColumn) {
        return new FeatureSource(Kind.PARQUET, file(path), "", timestampColumn, Optional.empty());
    }

    /**
     * A push source: rows written with the feature store's push API.
     *
     * @param name a valid {@link Name}
     * @param timestampColumn the event-time column
     * @return the source
     */
    public static FeatureSource push(String name, String timestampColumn) {
        return new FeatureSource(Kind.PUSH, "", Name.check("source.name", name), timestampColumn, Optional.empty());
    }

    /**
     * A stream source: rows read from a Kafka topic by mlops-kafka's {@code StreamIngestor}, which
     * pushes them under this name: to the online store and to a log that the offline store reads.
     *
     * @param name a valid {@link Name}
     * @param topic the topic
     * @param timestampColumn the event-time column
     * @return the source
     */
    public static FeatureSource stream(String name, String topic, String timestampColumn) {
        return new FeatureSource(Kind.STREAM, Checks.text("source.topic", topic, 249), Name.check("source.name", name),
                timestampColumn, Optional.empty());
    }

    /**
     * The same source with a created-time column that breaks ties between rows of equal event time.
     *
     * @param column the created-time column
     * @return a new source
     */
    public FeatureSource withCreatedColumn(String column) {
        return new FeatureSource(kind, location, name, timestampColumn, Optional.of(Name.check("source.createdColumn", column)));
    }

    /**
     * The file or directory of a file source.
     *
     * @return the path, if this is a file source
     */
    public Optional<Path> path() {
        return kind == Kind.CSV || kind == Kind.PARQUET ? Optional.of(Path.of(URI.create(location))) : Optional.empty();
    }

    private static String file(@Nullable Path path) {
        return Checks.notNull("source.path", path).toAbsolutePath().normalize().toUri().toString();
    }
}
