package dev.mlops.api.pipeline;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A classic 5-field cron expression — minute, hour, day of month, month, day of week — in a time
 * zone. Fields take {@code *}, numbers, ranges {@code a-b}, steps {@code * /n} and {@code a-b/n},
 * lists {@code a,b}, month names {@code JAN-DEC} and day names {@code SUN-SAT} ({@code 0} and
 * {@code 7} are Sunday). As in Vixie cron, when both day fields are restricted a day matches if
 * either does. Local times skipped by a daylight-saving gap do not fire; repeated ones fire once.
 *
 * <pre>{@code
 * CronExpression nightly = CronExpression.parse("30 2 * * *", ZoneId.of("Europe/Paris"));
 * Instant next = nightly.nextAfter(Instant.now()).orElseThrow();
 * CronExpression.parse("0 9-17/2 * * MON-FRI", ZoneOffset.UTC);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class CronExpression {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final int SEARCH_YEARS = 8;

    private final String expression;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronExpression(String expression, ZoneId zone, String[] f) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = field("minute", f[0], 0, 59, null);
        this.hours = field("hour", f[1], 0, 23, null);
        this.daysOfMonth = field("day of month", f[2], 1, 31, null);
        this.months = field("month", f[3], 1, 12, MONTHS);
        BitSet dow = field("day of week", f[4], 0, 7, DAYS);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.dayOfMonthRestricted = !f[2].startsWith("*");
        this.dayOfWeekRestricted = !f[4].startsWith("*");
    }

    /**
     * Parses an expression.
     *
     * @param expression five fields separated by spaces
     * @param zone the zone the fields are read in
     * @return the expression
     * @throws ValidationException naming the field and the value that is not understood
     */
    public static CronExpression parse(@Nullable String expression, ZoneId zone) {
        Checks.text("cron", expression, 200);
        Checks.notNull("cron zone", zone);
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new ValidationException("cron", "have 5 fields (minute hour day-of-month month day-of-week)",
                    expression);
        }
        return new CronExpression(expression.trim(), zone, fields);
    }

    /**
     * The time zone.
     *
     * @return the zone
     */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The first time strictly after an instant at which the expression fires.
     *
     * @param after the instant
     * @return the next fire time, or empty if none within 8 years (e.g. {@code 0 0 30 2 *})
     */
    public Optional<Instant> nextAfter(Instant after) {
        ZonedDateTime start = after.atZone(zone);
        LocalDate day = start.toLocalDate();
        LocalDate last = day.plusYears(SEARCH_YEARS);
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (!months.get(day.getMonthValue()) || !dayMatches(day)) {
                continue;
            }
            for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                    LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
                    Optional<Instant> fire = resolve(local);
                    if (fire.isPresent() && fire.get().isAfter(after)) {
                        return fire;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Instant> resolve(LocalDateTime local) {
        List<java.time.ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(local.toInstant(offsets.get(0)));
    }

    private boolean dayMatches(LocalDate day) {
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek().getValue() % 7);
        if (dayOfMonthRestricted && dayOfWeekRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet field(String name, String text, int min, int max, @Nullable List<String> names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), 1, max, null, text);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw bad(name, text, min, max);
                }
                from = number(name, ends[0], min, max, names, text);
                to = number(name, ends[1], min, max, names, text);
                if (to < from) {
                    throw new ValidationException("cron " + name, "have ranges that go upwards", text);
                }
            } else {
                from = number(name, range, min, max, names, text);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String name, String token, int min, int max, @Nullable List<String> names, String text) {
        if (names != null) {
            int index = names.indexOf(token.toUpperCase(Locale.ROOT));
            if (index >= 0) {
                return index + (names.size() == 12 ? 1 : 0);
            }
        }
        try {
            int value = Integer.parseInt(token);
            if (value < min || value > max) {
                throw bad(name, text, min, max);
            }
            return value;
        } catch (NumberFormatException | DateTimeException e) {
            throw bad(name, text, min, max);
        }
    }

    private static ValidationException bad(String name, String text, int min, int max) {
        return new ValidationException("cron " + name, "be *, a number " + min + "-" + max
                + ", a range a-b, a step */n or a-b/n, or a list of these", text);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
