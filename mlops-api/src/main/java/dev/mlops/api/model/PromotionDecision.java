package dev.mlops.api.model;

import java.util.List;

/**
 * The outcome of {@link ModelRegistry#promote}: whether the alias moved, and every gate's verdict.
 *
 * <pre>{@code
 * PromotionDecision d = registry.promote("movie-rater", 7, "champion", policy, "ci");
 * if (!d.promoted()) log.warn("not promoted: {}", d.reasons());
 * }</pre>
 *
 * @param model the model
 * @param version the candidate version
 * @param alias the alias it was to get
 * @param promoted whether every gate passed and the alias now points at the candidate
 * @param gates each gate's verdict, in policy order
 * @since 0.1.0
 */
public record PromotionDecision(String model, int version, String alias, boolean promoted, List<Gate> gates) {
    /**
     * Copies the list.
     *
     * @param model the model
     * @param version the version
     * @param alias the alias
     * @param promoted whether it was promoted
     * @param gates the verdicts
     */
    public PromotionDecision {
        gates = List.copyOf(gates);
    }

    /**
     * One gate's verdict.
     *
     * @param gate what was checked, e.g. {@code "rmse <= 0.9"}
     * @param passed whether it held
     * @param reason the values that decided it
     */
    public record Gate(String gate, boolean passed, String reason) {
    }

    /**
     * Why the candidate was not promoted.
     *
     * @return the reasons of the failed gates, empty when promoted
     */
    public List<String> reasons() {
        return gates.stream().filter(g -> !g.passed()).map(g -> g.gate() + ": " + g.reason()).toList();
    }
}
