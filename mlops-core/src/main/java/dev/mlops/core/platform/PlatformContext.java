package dev.mlops.core.platform;

import dev.mlops.api.ValidationException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What a platform hands to the providers that create its parts: its name, home directory, clock,
 * meter registry, JSON codec and the properties the host set.
 *
 * <pre>{@code
 * public EventBus create(PlatformContext context) {
 *     int threads = context.intProperty("event.threads").orElse(2);
 *     ...
 * }
 * }</pre>
 *
 * @param name the platform name
 * @param home the home directory, absolute and existing
 * @param clock the platform clock
 * @param meterRegistry the registry every part records its metrics in
 * @param json the JSON codec
 * @param properties the host's settings for the providers, unmodifiable
 * @since 0.1.0
 */
public record PlatformContext(String name, Path home, Clock clock, MeterRegistry meterRegistry, JsonCodec json,
        Map<String, String> properties) {

    /**
     * Creates a context; the properties are copied.
     *
     * @param name the platform name
     * @param home the home directory
     * @param clock the platform clock
     * @param meterRegistry the meter registry
     * @param json the JSON codec
     * @param properties the host's settings for the providers
     */
    public PlatformContext {
        properties = Map.copyOf(properties);
    }

    /**
     * A property as text.
     *
     * @param key the property key, e.g. {@code "kafka.bootstrap-servers"}
     * @return the value, if set
     */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /**
     * A property as a whole number.
     *
     * @param key the property key
     * @return the value, if set
     * @throws ValidationException if the value is not a whole number
     */
    public Optional<Integer> intProperty(String key) {
        return property(key).map(value -> {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new ValidationException("property " + key, "be a whole number", value);
            }
        });
    }

    /**
     * A property as an ISO-8601 duration such as {@code PT30S}.
     *
     * @param key the property key
     * @return the value, if set
     * @throws ValidationException if the value is not an ISO-8601 duration
     */
    public Optional<Duration> durationProperty(String key) {
        return property(key).map(value -> {
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new ValidationException("property " + key, "be an ISO-8601 duration such as PT30S", value);
            }
        });
    }
}
