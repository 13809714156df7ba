package dev.mlops.api.model;

import java.time.Instant;

/**
 * Someone's sign-off on a model version, counted by {@link PromotionPolicy.Builder#requireApprovals(int)}.
 *
 * @param approver who approved
 * @param comment why
 * @param at when
 * @since 0.1.0
 */
public record Approval(String approver, String comment, Instant at) {
}
