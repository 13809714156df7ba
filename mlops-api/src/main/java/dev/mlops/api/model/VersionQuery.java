package dev.mlops.api.model;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A search over model versions: a filter in a small language, an order and a page.
 *
 * <p>The filter is conditions joined by {@code and}; each compares a field with a quoted string or
 * a number using {@code =}, {@code !=}, {@code <}, {@code <=}, {@code >} or {@code >=}. Fields:
 * {@code name}, {@code version}, {@code stage}, {@code status}, {@code format}, {@code alias}
 * (matches if any alias is equal), {@code tags.<key>}, {@code params.<key>}, {@code metrics.<key>}.
 * A version lacking a tag, parameter or metric does not match a condition on it. The order is a
 * field and {@code asc} or {@code desc}, e.g. {@code metrics.rmse asc}; ties and the default order
 * are by name, then version, newest first.
 *
 * <pre>{@code
 * VersionPage page = registry.search(VersionQuery.filter("name = 'movie-rater' and metrics.rmse < 0.9 and tags.team = 'recs'")
 *         .orderBy("metrics.rmse asc")
 *         .limit(20));
 * VersionPage next = registry.search(query.pageToken(page.nextPageToken().orElseThrow()));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class VersionQuery {
    private final String filter;
    private final List<Condition> conditions;
    private final @Nullable String orderField;
    private final boolean descending;
    private final int limit;
    private final int offset;

    private VersionQuery(String filter, List<Condition> conditions, @Nullable String orderField, boolean descending,
            int limit, int offset) {
        this.filter = filter;
        this.conditions = conditions;
        this.orderField = orderField;
        this.descending = descending;
        this.limit = limit;
        this.offset = offset;
    }

    /**
     * Every version, 100 a page.
     *
     * @return the query
     */
    public static VersionQuery all() {
        return new VersionQuery("", List.of(), null, false, 100, 0);
    }

    /**
     * The versions a filter matches, 100 a page.
     *
     * @param filter e.g. {@code "name = 'movie-rater' and metrics.rmse < 0.9"}
     * @return the query
     * @throws ValidationException naming the position and the token that is not understood
     */
    public static VersionQuery filter(String filter) {
        Checks.notNull("filter", filter);
        return new VersionQuery(filter, new Parser(filter).parse(), null, false, 100, 0);
    }

    /**
     * Orders the results.
     *
     * @param order a field and {@code asc} or {@code desc}, e.g. {@code "metrics.rmse asc"}
     * @return a new query
     */
    public VersionQuery orderBy(String order) {
        Checks.text("orderBy", order, 300);
        String[] parts = order.trim().split("\\s+");
        if (parts.length > 2 || (parts.length == 2 && !parts[1].equalsIgnoreCase("asc") && !parts[1].equalsIgnoreCase("desc"))) {
            throw new ValidationException("orderBy", "be a field followed by asc or desc", order);
        }
        Parser.checkField(parts[0], "orderBy");
        return new VersionQuery(filter, conditions, parts[0], parts.length == 2 && parts[1].equalsIgnoreCase("desc"),
                limit, offset);
    }

    /**
     * Sets the page size.
     *
     * @param max between 1 and 10,000
     * @return a new query
     */
    public VersionQuery limit(int max) {
        return new VersionQuery(filter, conditions, orderField, descending, Checks.inRange("limit", max, 1, 10_000), offset);
    }

    /**
     * Continues after a previous page.
     *
     * @param token a {@link VersionPage#nextPageToken()}
     * @return a new query
     */
    public VersionQuery pageToken(String token) {
        Checks.text("pageToken", token, 20);
        try {
            int at = Integer.parseInt(token);
            if (at < 0) {
                throw new NumberFormatException();
            }
            return new VersionQuery(filter, conditions, orderField, descending, limit, at);
        } catch (NumberFormatException e) {
            throw new ValidationException("pageToken", "be a token from a previous page", token);
        }
    }

    /**
     * Tells whether a version matches the filter.
     *
     * @param version the version
     * @return {@code true} if every condition holds
     */
    public boolean matches(ModelVersion version) {
        return conditions.stream().allMatch(c -> c.test(version));
    }

    /**
     * Applies filter, order and page to versions.
     *
     * @param versions candidate versions
     * @return the page
     */
    public VersionPage apply(List<ModelVersion> versions) {
        Comparator<ModelVersion> byDefault = Comparator.comparing(ModelVersion::model)
                .thenComparing(Comparator.comparingInt(ModelVersion::version).reversed());
        Comparator<ModelVersion> order = byDefault;
        if (orderField != null) {
            Comparator<ModelVersion> byField = Comparator.comparing(v -> Parser.value(orderField, v),
                    Comparator.nullsLast(Parser::compareValues));
            order = (descending ? byField.reversed() : byField).thenComparing(byDefault);
        }
        List<ModelVersion> matched = new ArrayList<>(versions.stream().filter(this::matches).sorted(order).toList());
        int from = Math.min(offset, matched.size());
        int to = Math.min(from + limit, matched.size());
        return new VersionPage(matched.subList(from, to),
                to < matched.size() ? Optional.of(Integer.toString(to)) : Optional.empty());
    }

    @Override
    public String toString() {
        return "VersionQuery[" + filter + (orderField == null ? "" : " order by " + orderField + (descending ? " desc" : " asc"))
                + ", limit " + limit + ", offset " + offset + "]";
    }

    /** One comparison of the filter. */
    private record Condition(String field, String op, Object literal) implements Predicate<ModelVersion> {
        @Override
        public boolean test(ModelVersion v) {
            if (field.equals("alias")) {
                boolean any = v.aliases().contains(literal.toString());
                return op.equals("=") ? any : op.equals("!=") && !any;
            }
            Object value = Parser.value(field, v);
            if (value == null) {
                return false;
            }
            int c;
            if (value instanceof Number && literal instanceof Number) {
                c = Double.compare(((Number) value).doubleValue(), ((Number) literal).doubleValue());
            } else if (value instanceof String && literal instanceof String) {
                c = ((String) value).compareTo((String) literal);
            } else {
                return false;
            }
            switch (op) {
                case "=":
                    return c == 0;
                case "!=":
                    return c != 0;
                case "<":
                    return c < 0;
                case "<=":
                    return c <= 0;
                case ">":
                    return c > 0;
                default:
                    return c >= 0;
            }
        }
    }

    /** A hand-written parser: field op literal (and field op literal)*. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        List<Condition> parse() {
            List<Condition> conditions = new ArrayList<>();
            skipSpaces();
            if (pos == text.length()) {
                return conditions;
            }
            while (true) {
                String field = identifier();
                checkField(field, "filter");
                String op = operator();
                Object literal = literal();
                if (field.equals("alias") && !(op.equals("=") || op.equals("!="))) {
                    throw error("= or != for alias", op);
                }
                conditions.add(new Condition(field, op, literal));
                skipSpaces();
                if (pos == text.length()) {
                    return conditions;
                }
                String and = identifier();
                if (!and.equalsIgnoreCase("and")) {
                    throw error("'and' between conditions", and);
                }
            }
        }

        static void checkField(String field, String where) {
            if (!field.matches("name|version|stage|status|format|alias|created|(tags|params|metrics)\\.[A-Za-z0-9_.-]+")) {
                throw new ValidationException(where, "use a field among name, version, stage, status, format, alias, "
                        + "created, tags.<key>, params.<key>, metrics.<key>", field);
            }
        }

        static @Nullable Object value(String field, ModelVersion v) {
            switch (field) {
                case "name":
                    return v.model();
                case "version":
                    return v.version();
                case "stage":
                    return v.stage().name().toLowerCase(Locale.ROOT);
                case "status":
                    return v.status().name().toLowerCase(Locale.ROOT);
                case "format":
                    return v.format();
                case "created":
                    return v.createdAt().toString();
                case "alias":
                    return v.aliases().isEmpty() ? null : v.aliases().get(0);
                default:
                    String key = field.substring(field.indexOf('.') + 1);
                    if (field.startsWith("tags.")) {
                        return v.tags().get(key);
                    }
                    if (field.startsWith("params.")) {
                        return v.params().get(key);
                    }
                    return v.metrics().get(key);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compareValues(Object a, Object b) {
            if (a instanceof Number && b instanceof Number) {
                return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
            }
            return ((Comparable) a.toString()).compareTo(b.toString());
        }

        private String identifier() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "_.-".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            if (start == pos) {
                throw error("a field name", rest());
            }
            return text.substring(start, pos);
        }

        private String operator() {
            skipSpaces();
            for (String op : new String[] {"!=", "<=", ">=", "=", "<", ">"}) {
                if (text.startsWith(op, pos)) {
                    pos += op.length();
                    return op;
                }
            }
            throw error("an operator (=, !=, <, <=, >, >=)", rest());
        }

        private Object literal() {
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == '\'') {
                StringBuilder value = new StringBuilder();
                pos++;
                while (pos < text.length()) {
                    char c = text.charAt(pos++);
                    if (c == '\'') {
                        if (pos < text.length() && text.charAt(pos) == '\'') {
                            value.append('\'');
                            pos++;
                            continue;
                        }
                        return value.toString();
                    }
                    value.append(c);
                }
                throw error("a closing quote", "end of filter");
            }
            int start = pos;
            while (pos < text.length() && "+-.0123456789eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            String number = text.substring(start, pos);
            try {
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw error("a quoted string or a number", number.isEmpty() ? rest() : number);
            }
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private String rest() {
            return pos >= text.length() ? "end of filter" : text.substring(pos, Math.min(text.length(), pos + 20));
        }

        private ValidationException error(String expected, String found) {
            return new ValidationException("filter", "have " + expected + " at position " + pos + " of '" + text + "'",
                    found);
        }
    }
}
