package dev.mlops.core.monitor;

import dev.mlops.api.Checks;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventListener;
import dev.mlops.api.event.EventTypes;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns the validation reports of pipeline steps ({@link EventTypes#DATA_VALIDATION_PASSED} and
 * {@link EventTypes#DATA_VALIDATION_FAILED}, published by {@code Expectations.enforce}) into
 * metrics per dataset: validations by outcome, rows checked and quarantined, failed expectations.
 * {@code MlopsPlatform} subscribes one to its bus; with a bus shared between JVMs it counts every
 * JVM's validations.
 *
 * <pre>{@code
 * bus.subscribe("dev.mlops.pipeline.validation.*", new DataQualityMetrics(meterRegistry));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class DataQualityMetrics implements EventListener {
    /** The event types this listener counts. */
    public static final String PATTERN = "dev.mlops.pipeline.validation.*";

    private final MeterRegistry meters;

    /**
     * Creates the listener.
     *
     * @param meters where the counters go
     */
    public DataQualityMetrics(MeterRegistry meters) {
        this.meters = Checks.notNull("meters", meters);
    }

    @Override
    public void onEvent(Event event) {
        boolean passed = event.type().equals(EventTypes.DATA_VALIDATION_PASSED);
        if (!passed && !event.type().equals(EventTypes.DATA_VALIDATION_FAILED)) {
            return;
        }
        String dataset = event.subject().orElse("unknown");
        counter(MetricNames.DATA_VALIDATIONS, dataset, passed ? "passed" : "failed").increment();
        counter(MetricNames.DATA_VALIDATION_ROWS, dataset, "checked").increment(number(event, "rows"));
        counter(MetricNames.DATA_VALIDATION_ROWS, dataset, "quarantined").increment(number(event, "quarantined_rows"));
        Counter.builder(MetricNames.DATA_FAILED_EXPECTATIONS).tag(MetricNames.TAG_DATASET, dataset).register(meters)
                .increment(number(event, "failed_expectations"));
    }

    private Counter counter(String name, String dataset, String outcome) {
        return Counter.builder(name).tags(MetricNames.TAG_DATASET, dataset, MetricNames.TAG_OUTCOME, outcome).register(meters);
    }

    private static double number(Event event, String key) {
        return event.data().get(key) instanceof Number n ? n.doubleValue() : 0;
    }
}
