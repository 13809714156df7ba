package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import java.util.function.Function;

/**
 * Turns a step's output into bytes and back, so that it can be journaled for resume and cached.
 * Without one, a step's output is written as JSON when its type allows (records, enums, strings,
 * numbers, booleans, {@code java.time} values, and lists and maps of plain JSON values); give a
 * codec, or {@link Step#output(Class)}, for anything else.
 *
 * <pre>{@code
 * Codec<byte[]> raw = Codec.of("bytes", bytes -> bytes, bytes -> bytes);
 * p.step("download", ctx -> http.get(url)).codec(raw);
 * }</pre>
 *
 * @param <T> the value type
 * @since 0.1.0
 */
public interface Codec<T> {
    /**
     * A short name recorded in the journal, e.g. {@code "json"} or {@code "table"}.
     *
     * @return the name
     */
    String name();

    /**
     * Writes a value.
     *
     * @param value the value, possibly {@code null}
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * Reads a value written by {@link #encode(Object)}.
     *
     * @param bytes the bytes
     * @return the value
     */
    T decode(byte[] bytes);

    /**
     * A codec from two functions.
     *
     * @param name the codec name
     * @param encoder writes a value
     * @param decoder reads a value
     * @param <T> the value type
     * @return the codec
     */
    static <T> Codec<T> of(String name, Function<T, byte[]> encoder,
            Function<byte[], T> decoder) {
        Checks.text("codec.name", name, 64);
        Checks.notNull("codec.encoder", encoder);
        Checks.notNull("codec.decoder", decoder);
        return new Codec<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public byte[] encode(T value) {
                return encoder.apply(value);
            }

            @Override
            public T decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
