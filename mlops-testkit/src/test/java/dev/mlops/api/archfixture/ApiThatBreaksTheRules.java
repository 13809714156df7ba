package dev.mlops.api.archfixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Condition;

/** Breaks two architecture rules on purpose, to prove they catch violations. Never part of a jar. */
public class ApiThatBreaksTheRules {
    /** A dependency on AssertJ, which an api package must not have. */
    public static final Condition<String> NOT_EMPTY = new Condition<>(s -> !s.isEmpty(), "not empty");

    /**
     * Declares a checked exception.
     *
     * @param path a file
     * @return its text
     * @throws IOException always declared, which the rule forbids
     */
    public String load(Path path) throws IOException {
        return Files.readString(path);
    }
}
