package dev.mlops.api.model;

import java.time.Instant;
import java.util.Map;

/**
 * A named model: the thing versions belong to.
 *
 * @param name the model name
 * @param description what it is for
 * @param tags free-form tags
 * @param createdAt when it was registered
 * @param latestVersion the highest version number, 0 if none
 * @param aliases alias names and the version each points at
 * @since 0.1.0
 */
public record RegisteredModel(String name, String description, Map<String, String> tags, Instant createdAt,
        int latestVersion, Map<String, Integer> aliases) {
    /**
     * Copies the maps.
     *
     * @param name the name
     * @param description the description
     * @param tags the tags
     * @param createdAt the creation time
     * @param latestVersion the highest version
     * @param aliases the aliases
     */
    public RegisteredModel {
        tags = Map.copyOf(tags);
        aliases = Map.copyOf(aliases);
    }
}
