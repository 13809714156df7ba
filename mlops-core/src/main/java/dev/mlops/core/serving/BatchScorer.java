package dev.mlops.core.serving;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.serving.Prediction;
import dev.mlops.api.serving.ServingEndpoint;
import dev.mlops.core.data.CsvFiles;
import dev.mlops.core.data.NDArrays;
import dev.mlops.core.data.ParquetFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch inference: scores every row of a table (or of a CSV or Parquet file) through a serving
 * endpoint, so that the endpoint's workers batch the rows in parallel, with a bounded number of
 * rows in flight; when the endpoint is busy (its queue is full, e.g. with online traffic), the
 * scorer waits and tries again rather than failing. Progress is logged every 10,000 rows and
 * reported to a listener.
 *
 * <pre>{@code
 * Table scored = BatchScorer.of(rater).features("vote_average", "mean_stars").output("stars")
 *         .progress(done -> System.out.println(done + " rows")).score(candidates);
 * BatchScorer.of(rater).features("vote_average", "mean_stars").scoreFile(in, schema, Path.of("scored.parquet"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class BatchScorer {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
    private static final long PROGRESS_EVERY = 10_000;

    private final ServingEndpoint<float[], Float> endpoint;
    private List<String> features = List.of();
    private String output = "prediction";
    private int inFlight = 256;
    private Duration deadline = Duration.ofSeconds(30);
    private LongConsumer progress = done -> { };

    private BatchScorer(ServingEndpoint<float[], Float> endpoint) {
        this.endpoint = Checks.notNull("endpoint", endpoint);
    }

    /**
     * Starts a scorer.
     *
     * @param endpoint an endpoint of feature rows
     * @return the scorer
     */
    public static BatchScorer of(ServingEndpoint<float[], Float> endpoint) {
        return new BatchScorer(endpoint);
    }

    /**
     * Names the feature columns, in the model's input order.
     *
     * @param columns {@code LONG}, {@code DOUBLE} or {@code BOOLEAN} columns
     * @return this scorer
     */
    public BatchScorer features(String... columns) {
        this.features = List.of(columns);
        return this;
    }

    /**
     * Names the added column.
     *
     * @param column default {@code prediction}
     * @return this scorer
     */
    public BatchScorer output(String column) {
        this.output = Checks.text("output", column, 250);
        return this;
    }

    /**
     * Sets the most rows waiting for an answer at once.
     *
     * @param rows default 256
     * @return this scorer
     */
    public BatchScorer inFlight(int rows) {
        this.inFlight = Checks.inRange("inFlight", rows, 1, 1 << 20);
        return this;
    }

    /**
     * Sets each row's deadline.
     *
     * @param deadline default 30 s
     * @return this scorer
     */
    public BatchScorer deadline(Duration deadline) {
        this.deadline = Checks.positive("deadline", deadline);
        return this;
    }

    /**
     * Receives the number of rows scored so far, every 10,000 rows and at the end.
     *
     * @param listener the listener
     * @return this scorer
     */
    public BatchScorer progress(LongConsumer listener) {
        this.progress = Checks.notNull("progress", listener);
        return this;
    }

    /**
     * Scores a table.
     *
     * @param table the rows
     * @return the table's columns plus the output column ({@code DOUBLE}), rows in order
     * @throws ValidationException if a feature column is missing, of another type or holds a null,
     *     or the output column exists
     * @throws MlopsException if a row fails in the model
     */
    public Table score(Table table) {
        Checks.notNull("table", table);
        Schema schema = table.schema();
        if (features.isEmpty()) {
            throw new ValidationException("features", "name at least one column", features);
        }
        if (schema.has(output)) {
            throw new ValidationException("output", "be a new column", output);
        }
        int[] columns = new int[features.size()];
        for (int c = 0; c < columns.length; c++) {
            String name = features.get(c);
            if (!schema.has(name)) {
                throw new ValidationException("feature", "be one of " + schema, name);
            }
            ColumnType type = schema.column(name).type();
            if (type != ColumnType.LONG && type != ColumnType.DOUBLE && type != ColumnType.BOOLEAN) {
                throw new ValidationException("feature " + name, "be LONG, DOUBLE or BOOLEAN", type);
            }
            columns[c] = schema.indexOf(name);
        }
        int rows = table.rowCount();
        for (int r = 0; r < rows; r++) {
            for (int c : columns) {
                if (table.isNull(r, c)) {
                    throw new ValidationException("row " + r + " " + schema.columns().get(c).name(), "hold a value", null);
                }
            }
        }
        double[] scores = new double[rows];
        Deque<CompletableFuture<Prediction<Float>>> waiting = new ArrayDeque<>();
        Deque<Integer> waitingRows = new ArrayDeque<>();
        long done = 0;
        for (int r = 0; r < rows; r++) {
            float[] input = new float[columns.length];
            for (int c = 0; c < columns.length; c++) {
                input[c] = NDArrays.floatAt(table, r, columns[c]);
            }
            waiting.add(submit(input));
            waitingRows.add(r);
            while (waiting.size() >= inFlight || r == rows - 1 && !waiting.isEmpty()) {
                scores[waitingRows.removeFirst()] = answer(waiting.removeFirst());
                if (++done % PROGRESS_EVERY == 0 || done == rows) {
                    LOG.info("Scored {} of {} rows with {}", done, rows, endpoint.name());
                    progress.accept(done);
                }
            }
        }
        List<Column> out = new ArrayList<>(schema.columns());
        out.add(Column.of(output, ColumnType.DOUBLE));
        Table.Builder result = Table.builder(Schema.of(out), rows);
        for (int r = 0; r < rows; r++) {
            List<Object> row = new ArrayList<>(table.row(r));
            row.add(scores[r]);
            result.addRow(row.toArray());
        }
        return result.build();
    }

    /**
     * Scores a CSV or Parquet file ({@code .parquet} by extension) into another file of either kind.
     *
     * @param in the file to read
     * @param schema its columns
     * @param out the file to write (atomically)
     * @return the rows scored
     */
    public long scoreFile(Path in, Schema schema, Path out) {
        Table table = in.toString().endsWith(".parquet") ? ParquetFiles.read(in, schema) : CsvFiles.read(in, schema);
        Table scored = score(table);
        if (out.toString().endsWith(".parquet")) {
            ParquetFiles.write(scored, out);
        } else {
            CsvFiles.write(scored, out);
        }
        return scored.rowCount();
    }

    private CompletableFuture<Prediction<Float>> submit(float[] input) {
        long pause = 1_000;
        while (true) {
            CompletableFuture<Prediction<Float>> answer = endpoint.submit(input, deadline);
            if (!answer.isCompletedExceptionally() || !(cause(answer) instanceof OverloadedException)) {
                return answer;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    private static Throwable cause(CompletableFuture<?> failed) {
        try {
            failed.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private static double answer(CompletableFuture<Prediction<Float>> answer) {
        try {
            return answer.join().value();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new MlopsException("scoring failed: " + e.getCause(), e.getCause(), false);
        }
    }
}
