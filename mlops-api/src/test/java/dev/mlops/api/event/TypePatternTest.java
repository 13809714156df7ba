package dev.mlops.api.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import org.junit.jupiter.api.Test;

class TypePatternTest {

    @Test
    void exactPatternMatchesOnlyThatType() {
        TypePattern p = TypePattern.of("dev.mlops.model.alias.changed");
        assertThat(p.matches("dev.mlops.model.alias.changed")).isTrue();
        assertThat(p.matches("dev.mlops.model.alias")).isFalse();
        assertThat(p.matches("dev.mlops.model.alias.changed.more")).isFalse();
    }

    @Test
    void starMatchesExactlyOneSegment() {
        TypePattern p = TypePattern.of("dev.mlops.pipeline.run.*");
        assertThat(p.matches("dev.mlops.pipeline.run.finished")).isTrue();
        assertThat(p.matches("dev.mlops.pipeline.run")).isFalse();
        assertThat(p.matches("dev.mlops.pipeline.run.a.b")).isFalse();
        assertThat(TypePattern.of("dev.*.model.alias.changed").matches("dev.mlops.model.alias.changed")).isTrue();
    }

    @Test
    void doubleStarMatchesOneOrMoreTrailingSegments() {
        TypePattern p = TypePattern.of("dev.mlops.**");
        assertThat(p.matches("dev.mlops.model.alias.changed")).isTrue();
        assertThat(p.matches("dev.mlops.x")).isTrue();
        assertThat(p.matches("dev.mlops")).isFalse();
        assertThat(p.matches("com.acme.x")).isFalse();
        assertThat(TypePattern.of("**").matches("com.acme.x")).isTrue();
    }

    @Test
    void equalityFollowsText() {
        assertThat(TypePattern.of("a.*")).isEqualTo(TypePattern.of("a.*")).hasToString("a.*")
                .hasSameHashCodeAs(TypePattern.of("a.*"));
    }

    @Test
    void rejectsEmptySegment() {
        assertThatThrownBy(() -> TypePattern.of("dev..model"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("typePattern must be dot-separated segments of [a-z0-9_-], '*' or a last '**', was 'dev..model'");
    }

    @Test
    void rejectsOtherCharacters() {
        assertThatThrownBy(() -> TypePattern.of("dev.Mlops.#")).hasMessageStartingWith("typePattern must be dot-separated");
    }

    @Test
    void rejectsDoubleStarBeforeTheEnd() {
        assertThatThrownBy(() -> TypePattern.of("**.changed"))
                .hasMessage("typePattern must use '**' only as the last segment, was '**.changed'");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> TypePattern.of(null)).hasMessage("typePattern must be set, was null");
    }
}
