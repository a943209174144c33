package peerlink.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import peerlink.testing.FreePorts;

/**
 * Issue 25: the web page in real headless browsers, Debian's Chromium and Debian's Firefox ESR, both driven by
 * playwright-core (Firefox over WebDriver BiDi), served by real router nodes on their loopback web port
 * (peerlink.gateway.loopback-web-port), with a console peer beside the pages. The scenarios are
 * src/test/js/browser-*.test.js; screenshots land in target/screenshots, named after the browser. Skipped, with
 * the reason, on a machine without Node or the browser (.ci/run installs them).
 */
class BrowserIT {
  @TempDir Path temp;

  /** A browser the tests drive: its name for browser-support.js and where Debian puts it. */
  enum Browser {
    CHROMIUM("chromium", "chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"),
    FIREFOX("firefox", "firefox-esr", "/usr/bin/firefox-esr", "/usr/bin/firefox");

    final String name;
    final String debianPackage;
    final List<Path> places;

    Browser(String name, String debianPackage, String... places) {
      this.name = name;
      this.debianPackage = debianPackage;
      this.places = Stream.of(places).map(Path::of).toList();
    }

    Path executable() {
      Path found = places.stream().filter(Files::isExecutable).findFirst().orElse(null);
      assumeTrue(found != null, "Skipped: no " + name + " (" + places.get(0) + "); BrowserIT needs Debian's " + debianPackage + " (.ci/run installs it)");
      return found;
    }
  }

  @BeforeEach
  void needsNode() {
    NodeJs.assumeNode();
  }

  @ParameterizedTest(name = "in {0}")
  @EnumSource(Browser.class)
  void twoPagesAndAConsoleTalkDirectlyAndInAGroupAndAReopenedPageShowsWhatWaited(Browser browser) throws Exception {
    Path executable = browser.executable();
    int web = FreePorts.next();
    try (ServerProcess server = new ServerProcess(temp, "node").withJavaOptions("-Dpeerlink.gateway.loopback-web-port=" + web).start()) {
      NodeJs.test("browser-talk.test.js", environment(browser, executable, "http://127.0.0.1:" + web, server.address(), Map.of()), Duration.ofMinutes(5));
    }
  }

  /** Chromium only: the scenario is the same page code, and a second three-node cluster costs CI a minute. */
  @Test
  void aPageSendingWhileThePrimaryIsKilledShowsReconnectingThenEveryMessageDeliveredOnce() throws Exception {
    Path executable = Browser.CHROMIUM.executable();
    int web1 = FreePorts.next();
    int web2 = FreePorts.next();
    Cluster3 cluster = new Cluster3(temp);
    cluster.p1.javaOptions("-Dpeerlink.gateway.loopback-web-port=" + web1);
    cluster.p2.javaOptions("-Dpeerlink.gateway.loopback-web-port=" + web2);
    try (cluster) {
      cluster.start();
      NodeJs.test("browser-failover.test.js",
          environment(Browser.CHROMIUM, executable, "http://127.0.0.1:" + web1 + ",http://127.0.0.1:" + web2, String.join(",", cluster.servers()),
              Map.of("PEERLINK_PRIMARY_PID", Long.toString(cluster.p1.pid()))),
          Duration.ofMinutes(5));
    } catch (AssertionError failed) {
      System.out.println("node logs kept in " + cluster.preserveLogs("BrowserIT"));
      throw failed;
    }
  }

  private Map<String, String> environment(Browser browser, Path executable, String webUrls, String servers, Map<String, String> more) {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Map<String, String> env = new HashMap<>(more);
    env.put("PEERLINK_WEB_URLS", webUrls);
    env.put("PEERLINK_SERVERS", servers);
    env.put("PEERLINK_BIN", Launcher.bin().toString());
    env.put("PEERLINK_SCREENSHOTS", home.resolve("target/screenshots").toString());
    env.put("PEERLINK_BROWSER", browser.name);
    env.put("BROWSER_EXECUTABLE", executable.toString());
    return env;
  }
}
