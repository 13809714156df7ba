package dev.mlops.samples.movieratings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.core.platform.JsonCodec;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Checks the sample's web page while it is served: its JSON calls over HTTP, and the page itself in
 * headless Chromium (the Debian packages {@code chromium} and {@code chromium-driver}) — a user and a
 * movie picked, the prediction shown with its model version and route, the drift status, and a
 * screenshot in which the predicted stars are drawn. Without Chromium the browser part is skipped, or
 * fails when {@code MLOPS_REQUIRE_CHROMIUM} is set (CI sets it; {@code .ci/run} installs the packages).
 */
final class WebPageCheck {
    static final String REQUIRE_CHROMIUM = "MLOPS_REQUIRE_CHROMIUM";
    /** The colour the page draws the predicted stars in: #2457d6. */
    private static final int STARS_RGB = 0x2457d6;
    private static final JsonCodec JSON = JsonCodec.create();

    private final Path screenshot;
    private String skipped;

    WebPageCheck(Path screenshot) {
        this.screenshot = screenshot;
    }

    /** Why the browser part did not run, if it did not. */
    Optional<String> skipped() {
        return Optional.ofNullable(skipped);
    }

    void check(URI page) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<?, ?> options = JSON.read(get(http, page.resolve("api/options"), 200), Map.class);
        assertThat((List<?>) options.get("users")).hasSize(4);
        assertThat((List<?>) options.get("movies")).hasSize(96);
        Map<?, ?> prediction = JSON.read(get(http, page.resolve("api/predict?user=2&movie=1"), 200), Map.class);
        assertThat(((Number) prediction.get("stars")).doubleValue()).isBetween(0.0, 6.0);
        assertThat(prediction.get("model")).isEqualTo(RatingModel.MODEL);
        assertThat(prediction.get("version")).isEqualTo(2);
        assertThat(prediction.get("route")).isEqualTo("champion");
        assertThat(new String(get(http, page.resolve("api/predict?user=two&movie=1"), 400))).contains("must be numbers");
        assertThat(new String(get(http, page.resolve("api/predict?user=2&movie=999999"), 422))).contains("no movie_stats");
        assertThat(new String(get(http, page.resolve("metrics"), 200))).contains("mlops_serving_requests_total");
        Map<?, ?> drift = JSON.read(get(http, page.resolve("api/drift"), 200), Map.class);
        assertThat(drift.get("drift")).isEqualTo(true);
        assertThat(drift.get("servingVersion")).isEqualTo(2);

        Optional<Path> chromium = onPath("chromium").or(() -> onPath("chromium-browser")).or(() -> onPath("google-chrome"));
        Optional<Path> driver = onPath("chromedriver");
        if (chromium.isEmpty() || driver.isEmpty()) {
            skipped = "chromium or chromedriver is not on the PATH (Debian: apt-get install chromium chromium-driver)";
            assertThat(System.getenv(REQUIRE_CHROMIUM)).as(skipped + ", and " + REQUIRE_CHROMIUM + " is set").isNull();
            return;
        }
        inBrowser(page, chromium.get(), driver.get());
    }

    private void inBrowser(URI page, Path chromium, Path driverPath) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverPath.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(page + "?user=2&movie=1");
            wait.until(b -> b.findElement(By.id("result")).isDisplayed());
            assertThat(browser.findElement(By.id("model")).getText()).isEqualTo(RatingModel.MODEL);
            assertThat(browser.findElement(By.id("version")).getText()).isEqualTo("2");
            assertThat(browser.findElement(By.id("route")).getText()).isEqualTo("champion");
            wait.until(b -> b.findElement(By.id("drift")).getText().startsWith("Drift status: DRIFT"));

            new Select(browser.findElement(By.id("user"))).selectByValue("4");
            Select movie = new Select(browser.findElement(By.id("movie")));
            movie.selectByIndex(10);
            String picked = movie.getFirstSelectedOption().getAttribute("value");
            String before = browser.findElement(By.id("stars")).getText();
            browser.findElement(By.id("predict")).click();
            Map<?, ?> expected = JSON.read(get(HttpClient.newHttpClient(), page.resolve("api/predict?user=4&movie=" + picked),
                    200), Map.class);
            String stars = String.format(Locale.ROOT, "%.1f", ((Number) expected.get("stars")).doubleValue());
            wait.until(b -> b.findElement(By.id("stars")).getText().equals(stars));
            assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();

            WebElement shown = browser.findElement(By.id("stars"));
            byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            org.openqa.selenium.Rectangle rect = shown.getRect();
            assertThat(starsPixels(image, new Rectangle(rect.getX(), rect.getY(), rect.getWidth(), rect.getHeight())))
                    .as("pixels of the predicted stars (%s, was %s before) drawn in %s", stars, before, screenshot)
                    .isGreaterThan(50);
        } finally {
            browser.quit();
        }
    }

    /** How many pixels in the area are about the stars' colour. */
    private static int starsPixels(BufferedImage image, Rectangle area) {
        int count = 0;
        for (int y = Math.max(0, area.y); y < Math.min(image.getHeight(), area.y + area.height); y++) {
            for (int x = Math.max(0, area.x); x < Math.min(image.getWidth(), area.x + area.width); x++) {
                int rgb = image.getRGB(x, y);
                int distance = Math.abs(((rgb >> 16) & 0xff) - ((STARS_RGB >> 16) & 0xff))
                        + Math.abs(((rgb >> 8) & 0xff) - ((STARS_RGB >> 8) & 0xff)) + Math.abs((rgb & 0xff) - (STARS_RGB & 0xff));
                if (distance < 60) {
                    count++;
                }
            }
        }
        return count;
    }

    private static byte[] get(HttpClient http, URI uri, int status) throws Exception {
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).as("GET %s: %s", uri, new String(answer.body())).isEqualTo(status);
        return answer.body();
    }

    private static Optional<Path> onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }
}
