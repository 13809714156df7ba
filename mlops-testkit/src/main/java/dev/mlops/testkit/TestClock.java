package dev.mlops.testkit;

import dev.mlops.api.Checks;
import dev.mlops.api.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until the test moves it, so that schedules, TTLs and time
 * windows are tested without sleeping. Thread-safe; clocks made by {@link #withZone(ZoneId)} share
 * the same time.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * MlopsPlatform mlops = MlopsPlatform.builder().home(dir).clock(clock).build();
 * clock.advance(Duration.ofDays(8));   // a 7-day TTL has now expired
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestClock extends Clock {
    /** The instant a clock of {@link MlopsExtension} starts at: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Returns a clock standing at an instant, in UTC.
     *
     * @param start the time it shows until moved
     * @return the clock
     */
    public static TestClock at(Instant start) {
        return new TestClock(new AtomicReference<>(Checks.notNull("start", start)), ZoneOffset.UTC);
    }

    /**
     * Moves the clock forward.
     *
     * @param amount zero or more
     * @return the new time
     * @throws ValidationException if {@code amount} is negative (use {@link #set(Instant)} to go back)
     */
    public Instant advance(Duration amount) {
        Checks.notNull("amount", amount);
        if (amount.isNegative()) {
            throw new ValidationException("amount", "not be negative", amount);
        }
        return now.updateAndGet(t -> t.plus(amount));
    }

    /**
     * Sets the clock to an instant, earlier or later.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now.set(Checks.notNull("instant", instant));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public TestClock withZone(ZoneId zone) {
        return new TestClock(now, Checks.notNull("zone", zone));
    }

    @Override
    public String toString() {
        return "TestClock[" + instant() + ", " + zone + "]";
    }
}
