package dev.mlops.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.api.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivesTest {
    @TempDir
    Path dir;

    private Path zipWith(String name, byte[] content) throws IOException {
        Path zip = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("ok.txt"));
            out.write("fine".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry(name));
            out.write(content);
            out.closeEntry();
        }
        return zip;
    }

    @Test
    void packsAndUnpacksADirectory() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model/conf"));
        Files.writeString(model.resolve("serving.properties"), "engine=PyTorch");
        Files.writeString(dir.resolve("model/params.bin"), "weights");
        Archives.zip(dir.resolve("model"), dir.resolve("model.zip"));
        Archives.unzip(dir.resolve("model.zip"), dir.resolve("out"), 1 << 20);
        assertThat(dir.resolve("out/conf/serving.properties")).hasContent("engine=PyTorch");
        assertThat(dir.resolve("out/params.bin")).hasContent("weights");
    }

    @Test
    void refusesEntriesThatWouldEscapeTheTarget() throws IOException {
        for (String evil : new String[] {"../escaped.txt", "/etc/cron.d/x", "a/../../b", "c:\\windows\\x", "a\\..\\b"}) {
            Path zip = zipWith(evil, new byte[] {1});
            Path target = dir.resolve("target");
            assertThatThrownBy(() -> Archives.unzip(zip, target, 1 << 20)).as(evil).isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("artifact path must");
            assertThat(target).doesNotExist();
            assertThat(dir.resolve("escaped.txt")).doesNotExist();
            Files.delete(zip);
        }
    }

    @Test
    void stopsAtTheByteLimit() throws IOException {
        Path zip = zipWith("big.bin", new byte[100_000]);
        assertThatThrownBy(() -> Archives.unzip(zip, dir.resolve("target"), 50_000))
                .hasMessage("zip " + zip + " must expand to at most the allowed bytes, was 'more'");
        assertThat(dir.resolve("target")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".part"));
        }
    }
}
