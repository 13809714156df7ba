package dev.mlops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameTest {

    @Test
    void acceptsLowercaseLettersDigitsUnderscoreAndHyphen() {
        Name name = Name.of("movie-rater_v2");
        assertThat(name.value()).isEqualTo("movie-rater_v2");
        assertThat(name).isEqualTo(Name.of("movie-rater_v2")).hasToString("movie-rater_v2");
        assertThat(Name.of("a").compareTo(Name.of("b"))).isNegative();
    }

    @Test
    void acceptsTheLongestAllowedName() {
        String longest = "a".repeat(Name.MAX_LENGTH);
        assertThat(Name.of(longest).value()).hasSize(63);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Name.of(null))
                .isInstanceOf(ValidationException.class)
                .hasMessage("name must be a name matching " + Name.PATTERN + ", was null");
    }

    @Test
    void rejectsEmpty() {
        assertThatThrownBy(() -> Name.of("")).hasMessage("name must not be empty, was ''");
    }

    @Test
    void rejectsTooLong() {
        assertThatThrownBy(() -> Name.of("a".repeat(64)))
                .hasMessageStartingWith("name must be at most 63 characters long, was 'aaaa");
    }

    @Test
    void rejectsFirstCharacterOtherThanLowercaseLetter() {
        assertThatThrownBy(() -> Name.of("1model"))
                .hasMessage("name must start with a lowercase letter a-z, was '1model'");
        assertThatThrownBy(() -> Name.of("Model"))
                .hasMessage("name must start with a lowercase letter a-z, was 'Model'");
    }

    @Test
    void rejectsCharactersUnsafeForPathsTagsOrHeaders() {
        for (String bad : new String[] {"a/b", "a.b", "a b", "aB", "a\\b", "a:b", "a\u00e9"}) {
            assertThatThrownBy(() -> Name.check("model", bad))
                    .isInstanceOf(ValidationException.class)
                    .hasMessage("model must contain only lowercase letters a-z, digits 0-9, '_' and '-', was '"
                            + bad + "'")
                    .extracting(e -> ((ValidationException) e).field()).isEqualTo("model");
        }
    }

    @Test
    void rejectsWindowsDeviceNames() {
        assertThatThrownBy(() -> Name.of("nul")).hasMessageContaining("reserved by Windows").hasMessageEndingWith("'nul'");
        assertThatThrownBy(() -> Name.of("com1")).hasMessageContaining("reserved by Windows");
    }
}
