package io.blackstart.e2e;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A headless Chromium driven through the Debian {@code chromium-driver} (never Selenium Manager, which would go to
 * the network), with a fresh profile that is deleted on close (TESTING.md, "A real browser").
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final WebDriver driver;
    private final Path profile;
    private final ChromeDriverService service;

    Browser() throws IOException {
        for (String f : new String[]{CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(f))) {
                throw new AssertionError(f + " is missing: apt-get install -y chromium chromium-driver");
            }
        }
        profile = Files.createTempDirectory("bs-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run",
                "--window-size=1400,1200", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** Waits (polling every 50 ms) until {@code condition} is neither null nor false. */
    <T> T until(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class) // the page re-renders live
                .until(condition::apply);
    }

    void screenshot(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
