package dev.mlops.api.model;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of a model's audit trail: who changed what, when, from what, to what.
 *
 * @param model the model
 * @param kind what changed
 * @param subject the alias name, or the version number for stage changes and new versions
 * @param from the previous value (a version number or stage), if any
 * @param to the new value, if any (none for a deleted alias)
 * @param actor who made the change
 * @param at when
 * @since 0.1.0
 */
public record RegistryChange(String model, Kind kind, String subject, Optional<String> from, Optional<String> to,
        String actor, Instant at) {

    /** What changed. */
    public enum Kind {
        /** A version was registered. */
        VERSION_CREATED,
        /** An alias was set or moved. */
        ALIAS_SET,
        /** An alias was removed. */
        ALIAS_DELETED,
        /** A version changed stage. */
        STAGE_CHANGED,
        /** Someone approved a version (subject: the version; to: the comment). */
        APPROVED
    }
}
