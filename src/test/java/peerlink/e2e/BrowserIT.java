package peerlink.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.FreePorts;

/**
 * Issue 25: the web page in a real headless Chromium (Debian's chromium, driven by playwright-core), served by
 * real router nodes on their loopback web port (peerlink.gateway.loopback-web-port), with a console peer beside
 * the pages. The scenarios are src/test/js/browser-*.test.js; screenshots land in target/screenshots. Skipped,
 * with the reason, on a machine without Node or Chromium (.ci/run installs both).
 */
class BrowserIT {
  @TempDir Path temp;
  private Path chromium;

  @BeforeEach
  void needsNodeAndChromium() {
    NodeJs.assumeNode();
    chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(chromium != null, "Skipped: no Chromium (/usr/bin/chromium); BrowserIT needs Debian's chromium and chromium-driver (.ci/run installs them)");
  }

  @Test
  void twoPagesAndAConsoleTalkDirectlyAndInAGroupAndAReopenedPageShowsWhatWaited() throws Exception {
    int web = FreePorts.next();
    try (ServerProcess server = new ServerProcess(temp, "node").withJavaOptions("-Dpeerlink.gateway.loopback-web-port=" + web).start()) {
      NodeJs.test("browser-talk.test.js", environment("http://127.0.0.1:" + web, server.address(), Map.of()), Duration.ofMinutes(5));
    }
  }

  @Test
  void aPageSendingWhileThePrimaryIsKilledShowsReconnectingThenEveryMessageDeliveredOnce() throws Exception {
    int web1 = FreePorts.next();
    int web2 = FreePorts.next();
    Cluster3 cluster = new Cluster3(temp);
    cluster.p1.javaOptions("-Dpeerlink.gateway.loopback-web-port=" + web1);
    cluster.p2.javaOptions("-Dpeerlink.gateway.loopback-web-port=" + web2);
    try (cluster) {
      cluster.start();
      NodeJs.test("browser-failover.test.js",
          environment("http://127.0.0.1:" + web1 + ",http://127.0.0.1:" + web2, String.join(",", cluster.servers()),
              Map.of("PEERLINK_PRIMARY_PID", Long.toString(cluster.p1.pid()))),
          Duration.ofMinutes(5));
    } catch (AssertionError failed) {
      System.out.println("node logs kept in " + cluster.preserveLogs("BrowserIT"));
      throw failed;
    }
  }

  private Map<String, String> environment(String webUrls, String servers, Map<String, String> more) {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Map<String, String> env = new HashMap<>(more);
    env.put("PEERLINK_WEB_URLS", webUrls);
    env.put("PEERLINK_SERVERS", servers);
    env.put("PEERLINK_BIN", Launcher.bin().toString());
    env.put("PEERLINK_SCREENSHOTS", home.resolve("target/screenshots").toString());
    env.put("CHROMIUM", chromium.toString());
    return env;
  }
}
