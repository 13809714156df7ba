package dev.mlops.core.pipeline.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import dev.mlops.api.data.Table;
import dev.mlops.api.pipeline.Codec;
import dev.mlops.api.pipeline.Step;
import dev.mlops.core.data.TableCodec;
import dev.mlops.core.platform.JsonCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes step outputs for the journal and the cache, and fingerprints bytes.
 *
 * <p>A step's codec wins; then the class given with {@link Step#output(Class)}, read back as JSON;
 * {@link Table}s go through the {@link TableCodec}; other outputs are written as JSON when their type
 * can be read back without help: records,
 * enums, strings, numbers, booleans, {@code java.time} values, and lists and maps of plain JSON
 * values. The class name is recorded; reading accepts only those kinds of class, so a journal never
 * makes the runner instantiate an arbitrary class.
 */
public final class StepOutputs {
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Integer.class, Long.class,
            Double.class, Float.class, Short.class, Byte.class, BigDecimal.class, BigInteger.class, Instant.class,
            LocalDate.class, LocalDateTime.class, Duration.class);
    private static final HexFormat HEX = HexFormat.of();

    private final JsonCodec json;
    private final ClassLoader loader;

    public StepOutputs(JsonCodec json, ClassLoader loader) {
        this.json = json;
        this.loader = loader;
    }

    /** Encoded output: bytes, the codec name and, for the automatic JSON codec, the class written. */
    public record Encoded(byte[] bytes, String codec, @Nullable String type) {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public Encoded encode(Step<?> step, @Nullable Object value) {
        try {
            if (step.outputCodec().isPresent()) {
                Codec codec = step.outputCodec().get();
                return new Encoded(codec.encode(value), codec.name(), null);
            }
            if (step.outputType().isPresent()) {
                return new Encoded(json.write(value), "json-class", null);
            }
            if (value == null) {
                return new Encoded(json.write(null), "json", "null");
            }
            if (value instanceof Table) {
                return new Encoded(TableCodec.INSTANCE.encode((Table) value), TableCodec.NAME, null);
            }
            Class<?> type = value.getClass();
            if (!readableWithoutHelp(type) && !(plainJson(value) && (value instanceof List || value instanceof Map))) {
                throw new ValidationException("step." + step.name() + " output", "have a codec to be journaled or cached: "
                        + "give the step .output(" + type.getSimpleName() + ".class) or .codec(...) (outputs are "
                        + "written as JSON by themselves only for records, enums, scalars, java.time values and "
                        + "lists and maps of plain JSON values)", type.getName());
            }
            return new Encoded(json.write(value), "json", value instanceof List ? "list"
                    : value instanceof Map ? "map" : type.getName());
        } catch (ValidationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ValidationException.withCause("step." + step.name() + " output",
                    "step." + step.name() + " output cannot be encoded: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public @Nullable Object decode(Step<?> step, byte[] bytes, String codecName, @Nullable String type) {
        if (step.outputCodec().isPresent()) {
            Codec codec = step.outputCodec().get();
            if (!codec.name().equals(codecName)) {
                throw new MlopsException("step '" + step.name() + "' output was written with codec '" + codecName
                        + "' but the step now uses '" + codec.name() + "'");
            }
            return codec.decode(bytes);
        }
        if (step.outputType().isPresent()) {
            return json.read(bytes, step.outputType().get());
        }
        if (TableCodec.NAME.equals(codecName)) {
            return TableCodec.INSTANCE.decode(bytes);
        }
        if (type == null || "null".equals(type)) {
            return null;
        }
        if ("list".equals(type)) {
            return json.read(bytes, List.class);
        }
        if ("map".equals(type)) {
            return json.read(bytes, Map.class);
        }
        Class<?> cls;
        try {
            cls = Class.forName(type, false, loader);
        } catch (ClassNotFoundException e) {
            throw new MlopsException("step '" + step.name() + "' output class " + type + " is not on the class path");
        }
        if (!readableWithoutHelp(cls)) {
            throw new MlopsException("step '" + step.name() + "' output class " + type
                    + " may not be read from a journal; give the step .output(...) or .codec(...)");
        }
        return json.read(bytes, cls);
    }

    /** SHA-256 of bytes, as 64 hex digits. */
    public static String fingerprint(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
                digest.update((byte) 0);
            }
            return HEX.formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** SHA-256 of strings joined with separators. */
    public static String fingerprint(List<String> parts) {
        byte[][] bytes = new byte[parts.size()][];
        for (int i = 0; i < parts.size(); i++) {
            bytes[i] = parts.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return fingerprint(bytes);
    }

    private static boolean readableWithoutHelp(Class<?> type) {
        return SCALARS.contains(type) || type.isRecord() || type.isEnum();
    }

    private static boolean plainJson(@Nullable Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return true;
        }
        if (value instanceof List) {
            return ((List<?>) value).stream().allMatch(StepOutputs::plainJson);
        }
        if (value instanceof Map) {
            return ((Map<?, ?>) value).entrySet().stream()
                    .allMatch(e -> e.getKey() instanceof String && plainJson(e.getValue()));
        }
        return false;
    }
}
