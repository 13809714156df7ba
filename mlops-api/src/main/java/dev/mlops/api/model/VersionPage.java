package dev.mlops.api.model;

import java.util.List;
import java.util.Optional;

/**
 * One page of a version search.
 *
 * @param versions the versions on this page, in query order
 * @param nextPageToken the token for {@link VersionQuery#pageToken(String)}, if more versions match
 * @since 0.1.0
 */
public record VersionPage(List<ModelVersion> versions, Optional<String> nextPageToken) {
    /**
     * Copies the list.
     *
     * @param versions the versions
     * @param nextPageToken the next page
     */
    public VersionPage {
        versions = List.copyOf(versions);
    }
}
