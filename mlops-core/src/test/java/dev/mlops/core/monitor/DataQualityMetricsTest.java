package dev.mlops.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.api.data.Column;
import dev.mlops.api.data.ColumnType;
import dev.mlops.api.data.Expectations;
import dev.mlops.api.data.Schema;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.Pipeline;
import dev.mlops.api.pipeline.RunState;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.platform.MetricNames;
import dev.mlops.core.platform.MlopsPlatform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataQualityMetricsTest {
    @TempDir
    Path dir;

    @Test
    void countsEveryValidationOfAPipelineByDataset() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Schema schema = Schema.of(Column.of("stars", ColumnType.LONG));
        Expectations checks = Expectations.builder("ratings").column("stars", c -> c.between(1, 5)).quarantine().build();
        try (MlopsPlatform mlops = MlopsPlatform.builder().home(dir).meterRegistry(meters).build()) {
            Pipeline.Builder p = Pipeline.builder("ingest");
            Step<Table> good = p.step("good", ctx -> checks.enforce(ctx, Table.builder(schema).addRow(3L).addRow(4L).build()));
            p.step("bad", good, (ctx, t) -> checks.enforce(ctx, Table.builder(schema).addRow(3L).addRow(9L).addRow(0L)
                    .build()));
            assertThat(mlops.pipelines().run(p.build()).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(count(meters, MetricNames.DATA_VALIDATIONS, "passed")).isEqualTo(1);
        assertThat(count(meters, MetricNames.DATA_VALIDATIONS, "failed")).isEqualTo(1);
        assertThat(count(meters, MetricNames.DATA_VALIDATION_ROWS, "checked")).isEqualTo(5);
        assertThat(count(meters, MetricNames.DATA_VALIDATION_ROWS, "quarantined")).isEqualTo(2);
        assertThat(meters.get(MetricNames.DATA_FAILED_EXPECTATIONS).tag(MetricNames.TAG_DATASET, "ratings").counter().count())
                .isEqualTo(1);
        assertThat(meters.get(MetricNames.DATA_VALIDATIONS).tag(MetricNames.TAG_OUTCOME, "passed").counter().getId()
                .getDescription()).isEqualTo("Data validations by outcome");
    }

    private static double count(SimpleMeterRegistry meters, String name, String outcome) {
        return meters.get(name).tags(MetricNames.TAG_DATASET, "ratings", MetricNames.TAG_OUTCOME, outcome).counter().count();
    }
}
