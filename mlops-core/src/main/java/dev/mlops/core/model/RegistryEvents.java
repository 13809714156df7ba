package dev.mlops.core.model;

import dev.mlops.api.Nullable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data of the registry's events, the same from every registry (embedded, MLflow), so that
 * endpoints and triggers read them one way.
 *
 * <pre>{@code
 * publish(EventTypes.MODEL_ALIAS_CHANGED, model, RegistryEvents.aliasChanged("champion", 7, 6, "ana"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RegistryEvents {
    private RegistryEvents() {
    }

    /**
     * The data of {@code dev.mlops.model.alias.changed}.
     *
     * @param alias the alias
     * @param version the version it points at now, {@code null} when deleted
     * @param previous the version it pointed at before, {@code null} when new
     * @param actor who moved it
     * @return {@code alias}, {@code version}, {@code previous_version}, {@code actor}, nulls kept
     */
    public static Map<String, Object> aliasChanged(String alias, @Nullable Integer version, @Nullable Integer previous,
            String actor) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alias", alias);
        data.put("version", version);
        data.put("previous_version", previous);
        data.put("actor", actor);
        return data;
    }
}
