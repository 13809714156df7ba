package dev.mlops.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.ValidationException;
import dev.mlops.s3.S3Files;
import dev.mlops.s3.S3Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files by key against a real S3-compatible server (S3Proxy) in this JVM. */
class S3FilesTest {
    private static EmbeddedS3 s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        s3 = EmbeddedS3.start();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @Test
    void putsListsAndGetsFilesByKey() throws IOException {
        S3Location run = S3Location.parse("s3://" + s3.createBucket("mlflow") + "/1/abc/artifacts");
        byte[] big = new byte[6 << 20];
        new Random(3).nextBytes(big);
        try (S3Files files = s3.files().multipart(5 << 20, 5 << 20).build()) {
            files.put(run.child("model/MLmodel"), Files.writeString(dir.resolve("MLmodel"), "flavors: {}\n"));
            files.put(run.child("model/data/model.pth"), Files.write(dir.resolve("model.pth"), big));
            files.put(S3Location.parse(run + "-other/x"), Files.writeString(dir.resolve("x"), "not below"));

            assertThat(files.list(run)).containsExactly(entry("model/MLmodel", 12L), entry("model/data/model.pth",
                    (long) big.length));
            assertThat(files.list(run.child("nothing"))).isEmpty();
            assertThat(files.exists(run.child("model/MLmodel"))).isTrue();
            assertThat(files.exists(run.child("model/none"))).isFalse();

            Path out = dir.resolve("out.pth");
            files.get(run.child("model/data/model.pth"), out);
            assertThat(Files.readAllBytes(out)).isEqualTo(big);
            assertThatThrownBy(() -> files.get(run.child("model/none"), dir.resolve("none")))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining(run + "/model/none");
            assertThat(dir.resolve("none")).doesNotExist();
        }
    }

    @Test
    void refusesABucketWithoutKeyAndWhatIsNotAFile() {
        try (S3Files files = s3.files().build()) {
            S3Location bucket = S3Location.parse("s3://" + s3.createBucket("keys"));
            assertThatThrownBy(() -> files.put(bucket, dir)).isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("object must name a key below the bucket");
            assertThatThrownBy(() -> files.put(bucket.child("d"), dir)).isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("file must be a regular file");
            assertThat(files.list(bucket)).isEmpty();
            assertThat(files.toString()).doesNotContain(s3.secretKey()).contains(s3.endpoint().toString());
        }
    }
}
