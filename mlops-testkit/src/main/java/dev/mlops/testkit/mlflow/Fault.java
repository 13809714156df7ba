package dev.mlops.testkit.mlflow;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link MlflowTestServer} does to a request it was told to fail with
 * {@link MlflowTestServer#failNext(String, int, Fault)}: answer a 5xx status, answer late, or close
 * the connection without answering. By default the fault strikes before the request is carried
 * out, so nothing changes on the server; {@link #afterApplying()} makes it strike after the request
 * changed the state, which is how a lost response looks to a client (the run or version was
 * created, but the client never heard so).
 *
 * <pre>{@code
 * server.failNext("runs/create", 1, Fault.serverError(503));                 // refused, nothing created
 * server.failNext("model-versions/create", 1, Fault.disconnect().afterApplying()); // created, answer lost
 * server.failNext("runs/get", 1, Fault.delay(Duration.ofSeconds(5)));         // longer than the client waits
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Fault {
    /** The kinds of fault. */
    public enum Kind {
        /** Answer a 5xx status with MLflow's error JSON. */
        SERVER_ERROR,
        /** Wait before answering, then answer normally. */
        DELAY,
        /** Close the connection without sending a status line. */
        DISCONNECT
    }

    private final Kind kind;
    private final int status;
    private final Duration delay;
    private final boolean afterApplying;

    private Fault(Kind kind, int status, Duration delay, boolean afterApplying) {
        this.kind = kind;
        this.status = status;
        this.delay = delay;
        this.afterApplying = afterApplying;
    }

    /**
     * Answers a server error with MLflow's error JSON: {@code TEMPORARILY_UNAVAILABLE} for 503,
     * {@code DEADLINE_EXCEEDED} for 504, {@code NOT_IMPLEMENTED} for 501, {@code INTERNAL_ERROR}
     * otherwise.
     *
     * @param status the HTTP status, 500 to 599
     * @return the fault
     * @throws ValidationException if the status is not a 5xx status
     */
    public static Fault serverError(int status) {
        return new Fault(Kind.SERVER_ERROR, Checks.inRange("fault.status", status, 500, 599), Duration.ZERO, false);
    }

    /**
     * Waits before answering, e.g. longer than the client's timeout. The request is still carried
     * out after the wait (a slow server, not a refusing one) unless the server closes first.
     *
     * @param delay how long to wait, positive
     * @return the fault
     * @throws ValidationException if the delay is not positive
     */
    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, 0, Checks.positive("fault.delay", delay), false);
    }

    /**
     * Closes the connection without answering: the client sees the connection end before any
     * response (an {@code IOException} in {@code java.net.http.HttpClient}).
     *
     * @return the fault
     */
    public static Fault disconnect() {
        return new Fault(Kind.DISCONNECT, 0, Duration.ZERO, false);
    }

    /**
     * The same fault, striking after the request was carried out: the state changes, then the
     * answer is replaced by the error, delayed, or dropped with the connection.
     *
     * @return a copy that strikes after the state change
     */
    public Fault afterApplying() {
        return new Fault(kind, status, delay, true);
    }

    /**
     * What the fault does.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The status a {@link Kind#SERVER_ERROR} answers.
     *
     * @return 500 to 599, or 0 for other kinds
     */
    public int status() {
        return status;
    }

    /**
     * How long a {@link Kind#DELAY} waits.
     *
     * @return the delay, zero for other kinds
     */
    public Duration delay() {
        return delay;
    }

    /**
     * Tells whether the fault strikes after the request changed the state.
     *
     * @return {@code true} for a fault made with {@link #afterApplying()}
     */
    public boolean appliesAfterRequest() {
        return afterApplying;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fault f && f.kind == kind && f.status == status && f.delay.equals(delay)
                && f.afterApplying == afterApplying;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, status, delay, afterApplying);
    }

    @Override
    public String toString() {
        String what = kind == Kind.SERVER_ERROR ? "serverError(" + status + ")" : kind == Kind.DELAY ? "delay(" + delay + ")"
                : "disconnect()";
        return "Fault." + what + (afterApplying ? ".afterApplying()" : "");
    }
}
