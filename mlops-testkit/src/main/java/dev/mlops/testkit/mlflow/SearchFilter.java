package dev.mlops.testkit.mlflow;

import dev.mlops.api.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of MLflow's search filter syntax the test server understands: comparisons joined by
 * {@code AND}, each {@code [type.]key op value}. The type is {@code attributes} (also
 * {@code attribute}, {@code attr}, {@code run}, or none), {@code tags} ({@code tag}),
 * {@code params} ({@code param}, {@code parameter}) or {@code metrics} ({@code metric}); a key with
 * special characters is quoted with double quotes or backticks; the operator is one of {@code =},
 * {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=}, {@code LIKE}, {@code ILIKE}; the value a
 * single- or double-quoted string or a number. {@code OR}, parentheses and {@code IN} are rejected
 * with {@code INVALID_PARAMETER_VALUE} rather than ignored.
 */
final class SearchFilter {
    /** Finds a value of an entity: (type, key) to a String, a Double, or null if absent. */
    interface Lookup {
        @Nullable
        Object value(String type, String key);
    }

    private static final Set<String> OPERATORS = Set.of("=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE");

    private record Clause(String type, String key, String op, Object value) {
    }

    private final List<Clause> clauses;

    private SearchFilter(List<Clause> clauses) {
        this.clauses = clauses;
    }

    static SearchFilter parse(@Nullable String filter) {
        List<Clause> clauses = new ArrayList<>();
        if (filter == null || filter.isBlank()) {
            return new SearchFilter(clauses);
        }
        Tokens tokens = new Tokens(filter);
        while (true) {
            String[] identifier = tokens.identifier();
            String op = tokens.operator();
            Object value = tokens.value();
            clauses.add(new Clause(identifier[0], identifier[1], op, value));
            if (tokens.atEnd()) {
                break;
            }
            tokens.keyword("AND");
        }
        return new SearchFilter(clauses);
    }

    boolean matches(Lookup entity) {
        for (Clause clause : clauses) {
            if (!matches(clause, entity.value(clause.type(), clause.key()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Clause clause, @Nullable Object actual) {
        if (actual == null) {
            return false;
        }
        String op = clause.op();
        if (actual instanceof Double number) {
            if (!(clause.value() instanceof Double expected)) {
                throw MlflowError.invalid("Invalid filter: the value for '" + clause.key() + "' must be a number, was '"
                        + clause.value() + "'");
            }
            int c = Double.compare(number, expected);
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
                case ">=":
                    return c >= 0;
                default:
                    throw MlflowError.invalid("Invalid filter: operator '" + op + "' is not supported for numbers");
            }
        }
        String text = actual.toString();
        String expected = clause.value() instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue())
                : clause.value().toString();
        switch (op) {
            case "=":
                return text.equals(expected);
            case "!=":
                return !text.equals(expected);
            case "LIKE":
                return like(expected, false).matcher(text).matches();
            case "ILIKE":
                return like(expected, true).matcher(text).matches();
            default:
                throw MlflowError.invalid("Invalid filter: operator '" + op + "' is not supported for strings");
        }
    }

    private static Pattern like(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL);
    }

    /** A small tokenizer over the filter text. */
    private static final class Tokens {
        private final String text;
        private int at;

        Tokens(String text) {
            this.text = text;
        }

        boolean atEnd() {
            skipSpace();
            return at >= text.length();
        }

        void keyword(String word) {
            skipSpace();
            int end = at;
            while (end < text.length() && Character.isLetter(text.charAt(end))) {
                end++;
            }
            String found = text.substring(at, end);
            if (!found.equalsIgnoreCase(word)) {
                throw unsupported("expected " + word + " at position " + at + " but found '" + rest() + "'");
            }
            at = end;
        }

        String[] identifier() {
            skipSpace();
            String first = name();
            skipSpace();
            if (at < text.length() && text.charAt(at) == '.') {
                at++;
                String key = name();
                String type = first.toLowerCase(Locale.ROOT);
                switch (type) {
                    case "attribute", "attributes", "attr", "run":
                        return new String[] {"attributes", key};
                    case "tag", "tags":
                        return new String[] {"tags", key};
                    case "param", "params", "parameter", "parameters":
                        return new String[] {"params", key};
                    case "metric", "metrics":
                        return new String[] {"metrics", key};
                    default:
                        throw unsupported("unknown entity type '" + first + "'");
                }
            }
            return new String[] {"attributes", first};
        }

        private String name() {
            skipSpace();
            if (at < text.length() && (text.charAt(at) == '"' || text.charAt(at) == '`')) {
                return quoted(text.charAt(at));
            }
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
                    || text.charAt(at) == '-')) {
                at++;
            }
            if (start == at) {
                throw unsupported("expected a key at position " + start + " but found '" + rest() + "'");
            }
            return text.substring(start, at);
        }

        String operator() {
            skipSpace();
            for (String op : List.of("!=", "<=", ">=", "=", "<", ">")) {
                if (text.startsWith(op, at)) {
                    at += op.length();
                    return op;
                }
            }
            int end = at;
            while (end < text.length() && Character.isLetter(text.charAt(end))) {
                end++;
            }
            String word = text.substring(at, end).toUpperCase(Locale.ROOT);
            if (!OPERATORS.contains(word)) {
                throw unsupported("unsupported operator '" + text.substring(at, end) + "'; supported are " + OPERATORS);
            }
            at = end;
            return word;
        }

        Object value() {
            skipSpace();
            if (at < text.length() && (text.charAt(at) == '\'' || text.charAt(at) == '"')) {
                return quoted(text.charAt(at));
            }
            int start = at;
            while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            String number = text.substring(start, at);
            try {
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw unsupported("expected a quoted string or a number but found '" + number + "'");
            }
        }

        private String quoted(char quote) {
            int end = text.indexOf(quote, at + 1);
            if (end < 0) {
                throw unsupported("unterminated " + quote + " at position " + at);
            }
            String value = text.substring(at + 1, end);
            at = end + 1;
            return value;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private String rest() {
            return text.substring(Math.min(at, text.length()));
        }

        private MlflowError unsupported(String detail) {
            return MlflowError.invalid("Invalid filter '" + text + "': " + detail + ". The test server supports"
                    + " comparisons joined by AND: [attributes|tags|params|metrics.]key op 'value'");
        }
    }
}
