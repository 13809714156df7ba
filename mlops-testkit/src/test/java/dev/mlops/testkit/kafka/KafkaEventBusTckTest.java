package dev.mlops.testkit.kafka;

import dev.mlops.api.event.EventBus;
import dev.mlops.kafka.KafkaEventBus;
import dev.mlops.testkit.tck.EventBusTck;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka bus keeps the EventBus contract on a real broker. */
class KafkaEventBusTckTest extends EventBusTck {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Override
    protected EventBus createBus() {
        return KafkaEventBus.builder().name("tck").bootstrapServers(KAFKA.broker().bootstrapServers())
                .topic("tck-" + UUID.randomUUID().toString().substring(0, 8)).createTopics(2, (short) 1)
                .retries(1, Duration.ofMillis(10), Duration.ofMillis(20)).build();
    }

    @Override
    protected String busName() {
        return "tck";
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }
}
