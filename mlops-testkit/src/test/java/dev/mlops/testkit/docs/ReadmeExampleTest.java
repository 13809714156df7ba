package dev.mlops.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java programs of the README and the quick starts are compiled against the SDK and run, each in a
 * JVM and a directory of its own, so the first code a newcomer copies cannot rot.
 */
class ReadmeExampleTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("public class (\\w+)");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "README.md, dev.mlops.model.alias.changed movie-rater",
        "docs/getting-started.md, dev.mlops.model.alias.changed mean-rater",
        "docs/ko/quickstart.md, dev.mlops.model.alias.changed mean-rater"})
    void theProgramsCompileAndRun(String document, String expectedOutput) throws Exception {
        String text = Files.readString(Path.of("..").resolve(document));
        List<String> programs = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(text);
        while (block.find()) {
            if (block.group(1).contains("static void main(")) {
                programs.add(block.group(1));
            }
        }
        assertThat(programs).as("Java programs in %s", document).isNotEmpty();
        for (String program : programs) {
            Matcher name = PUBLIC_CLASS.matcher(program);
            assertThat(name.find()).as("a public class in\n%s", program).isTrue();
            Path source = Files.writeString(dir.resolve(name.group(1) + ".java"), program);
            Path classes = Files.createDirectories(dir.resolve("classes"));
            String classPath = System.getProperty("java.class.path");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertThat(javac.run(null, null, null, "-d", classes.toString(), "-cp", classPath, source.toString()))
                    .as("javac of %s from %s", source.getFileName(), document).isZero();

            Path work = Files.createDirectories(dir.resolve("run-" + name.group(1)));
            Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classes + File.pathSeparator + classPath, name.group(1))
                    .directory(work.toFile()).redirectErrorStream(true).start();
            String output = new String(java.getInputStream().readAllBytes());
            assertThat(java.waitFor(120, TimeUnit.SECONDS)).as("finished within 2 minutes").isTrue();
            assertThat(java.exitValue()).as(output).isZero();
            assertThat(output).contains(expectedOutput);
        }
    }
}
