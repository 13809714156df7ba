package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import org.junit.jupiter.api.Test;

class S3LocationTest {

    @Test
    void parsesBucketAndPrefix() {
        S3Location location = S3Location.parse("s3://ml-artifacts/teams/ratings/");
        assertThat(location.bucket()).isEqualTo("ml-artifacts");
        assertThat(location.prefix()).isEqualTo("teams/ratings");
        assertThat(location).hasToString("s3://ml-artifacts/teams/ratings").isEqualTo(S3Location.of("ml-artifacts", "teams/ratings"))
                .hasSameHashCodeAs(S3Location.of("ml-artifacts", "teams/ratings"));
        assertThat(S3Location.parse("s3://bucket.example").prefix()).isEmpty();
    }

    @Test
    void resolvesKeysUnderThePrefix() {
        S3Location location = S3Location.parse("s3://ml-artifacts/teams/ratings");
        assertThat(location.resolve("movie-rater/7/model.pt")).isEqualTo("teams/ratings/movie-rater/7/model.pt");
        assertThat(location.child("movie-rater").resolve("7")).isEqualTo("teams/ratings/movie-rater/7");
        assertThat(S3Location.parse("s3://bkt").resolve("a.b")).isEqualTo("a.b");
    }

    @Test
    void rejectsOtherSchemes() {
        assertThatThrownBy(() -> S3Location.parse("https://bucket/x")).isInstanceOf(ValidationException.class)
                .hasMessage("s3.location must start with s3://, was 'https://bucket/x'");
    }

    @Test
    void rejectsBucketNamesOutsideS3Rules() {
        for (String bad : new String[] {"ab", "Bucket", "-bucket", "bucket-", "bu_cket", "b".repeat(64)}) {
            assertThatThrownBy(() -> S3Location.of(bad, "")).hasMessageStartingWith("s3.bucket must be 3-63 lowercase letters");
        }
    }

    @Test
    void rejectsAdjacentPeriodsInBuckets() {
        assertThatThrownBy(() -> S3Location.of("my..bucket", "")).hasMessage("s3.bucket must not contain two adjacent periods, was 'my..bucket'");
    }

    @Test
    void rejectsBucketsShapedLikeIpAddresses() {
        assertThatThrownBy(() -> S3Location.of("192.168.5.4", "")).hasMessage("s3.bucket must not be formatted as an IP address, was '192.168.5.4'");
    }

    @Test
    void rejectsReservedBucketAffixes() {
        assertThatThrownBy(() -> S3Location.of("xn--bucket", "")).hasMessageContaining("reserved by S3");
        assertThatThrownBy(() -> S3Location.of("bucket-s3alias", "")).hasMessageContaining("reserved by S3");
    }

    @Test
    void rejectsKeysThatEscapeThePrefix() {
        S3Location location = S3Location.parse("s3://ml-artifacts/teams/ratings");
        assertThatThrownBy(() -> location.resolve("../billing/secrets"))
                .hasMessage("s3.key must not contain empty, '.' or '..' segments, was '../billing/secrets'");
        assertThatThrownBy(() -> location.resolve("a//b")).hasMessageContaining("segments");
        assertThatThrownBy(() -> S3Location.parse("s3://bkt/a/./b")).hasMessageStartingWith("s3.prefix must not contain empty");
    }

    @Test
    void rejectsAbsoluteKeys() {
        assertThatThrownBy(() -> S3Location.parse("s3://bkt").resolve("/etc/passwd"))
                .hasMessage("s3.key must be relative (no leading '/'), was '/etc/passwd'");
    }

    @Test
    void rejectsKeysWithControlCharacters() {
        assertThatThrownBy(() -> S3Location.parse("s3://bkt").resolve("a\nb")).hasMessageStartingWith("s3.key must not contain control characters");
    }

    @Test
    void rejectsKeysOverTheS3Limit() {
        S3Location location = S3Location.parse("s3://bkt/" + "p".repeat(1000));
        assertThatThrownBy(() -> location.resolve("q".repeat(30))).hasMessageStartingWith("s3.key must be at most 1024 bytes in UTF-8");
    }
}
