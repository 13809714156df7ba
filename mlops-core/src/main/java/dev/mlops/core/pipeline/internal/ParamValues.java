package dev.mlops.core.pipeline.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.api.Nullable;
import dev.mlops.api.pipeline.Param;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Parameter values as they are written to and read from a journal. */
public final class ParamValues {
    private ParamValues() {
    }

    public static @Nullable Object toJson(@Nullable Object value) {
        if (value instanceof Instant || value instanceof LocalDate || value instanceof Duration) {
            return value.toString();
        }
        return value;
    }

    public static @Nullable Object fromJson(Param<?> param, @Nullable Object json) {
        if (json == null) {
            return null;
        }
        Class<?> type = param.type();
        try {
            if (type == Instant.class) {
                return Instant.parse((String) json);
            } else if (type == LocalDate.class) {
                return LocalDate.parse((String) json);
            } else if (type == Duration.class) {
                return Duration.parse((String) json);
            } else if (type == Long.class) {
                return ((Number) json).longValue();
            } else if (type == Integer.class) {
                return ((Number) json).intValue();
            } else if (type == Double.class) {
                return ((Number) json).doubleValue();
            }
            return type.cast(json);
        } catch (RuntimeException e) {
            throw new MlopsException("journaled value of param '" + param.name() + "' is not a "
                    + type.getSimpleName() + ": " + json, e, false);
        }
    }
}
