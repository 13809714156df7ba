package dev.mlops.kafka;

import dev.mlops.api.ValidationException;
import dev.mlops.api.event.EventBus;
import dev.mlops.core.event.EventBusProvider;
import dev.mlops.core.platform.PlatformContext;

/**
 * Makes a {@link KafkaEventBus} for a platform, found by {@code ServiceLoader} as {@value #NAME}.
 * Settings come from the platform's properties: {@code kafka.bootstrap-servers} (required),
 * {@code kafka.topic}, {@code kafka.group}, {@code kafka.partitions} and {@code kafka.replication}
 * (create the topics where missing), and {@code kafka.client.*} passed to every Kafka client without
 * the prefix (e.g. {@code kafka.client.security.protocol=SASL_SSL}).
 *
 * <pre>{@code
 * MlopsPlatform.builder().home(dir).eventBusProvider("kafka")
 *         .property("kafka.bootstrap-servers", "kafka:9092").property("kafka.group", "rater-" + host)
 *         .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class KafkaEventBusProvider implements EventBusProvider {
    /** The provider's name. */
    public static final String NAME = "kafka";
    private static final String CLIENT = "kafka.client.";

    /** Creates the provider; {@code ServiceLoader} calls this. */
    public KafkaEventBusProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EventBus create(PlatformContext context) {
        KafkaEventBus.Builder builder = KafkaEventBus.builder().name(context.name()).json(context.json())
                .meterRegistry(context.meterRegistry())
                .bootstrapServers(context.property("kafka.bootstrap-servers").orElseThrow(() -> new ValidationException(
                        "property kafka.bootstrap-servers", "be set for the kafka event bus", null)));
        context.property("kafka.topic").ifPresent(builder::topic);
        context.property("kafka.group").ifPresent(builder::group);
        context.intProperty("kafka.partitions").ifPresent(p -> builder.createTopics(p,
                (short) (int) context.intProperty("kafka.replication").orElse(1)));
        context.properties().forEach((key, value) -> {
            if (key.startsWith(CLIENT)) {
                builder.clientProperty(key.substring(CLIENT.length()), value);
            }
        });
        return builder.build();
    }
}
