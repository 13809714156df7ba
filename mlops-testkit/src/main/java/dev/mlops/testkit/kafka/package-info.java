/**
 * A real Kafka broker in the test JVM: {@link dev.mlops.testkit.kafka.EmbeddedKafka} (a single KRaft
 * node on loopback that can be stopped and restarted with its data) and the JUnit extension
 * {@link dev.mlops.testkit.kafka.KafkaExtension}.
 *
 * @since 0.1.0
 */
package dev.mlops.testkit.kafka;
