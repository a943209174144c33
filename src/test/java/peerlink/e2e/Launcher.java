package peerlink.e2e;

import peerlink.client.ClientTls;
import peerlink.security.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Finds {@code bin/peerlink} of this checkout and runs it without rebuilding (the build made the jar).
 *
 * <p>Processes run from a private copy of the launcher, {@code conf/}, the jar and {@code lib/}, taken once
 * per test JVM from the build directory these tests were compiled into (so {@code -Dpeerlink.buildDir=...}
 * builds test what they built). A JVM loads classes from its jar lazily: had the nodes run from
 * {@code target/} directly, a rebuild of {@code target/peerlink.jar} during a test (another build of the same
 * checkout) would make a running node die with {@code NoClassDefFoundError}.
 */
final class Launcher {
  private static Path installed;

  private Launcher() {}

  static synchronized Path bin() {
    if (installed == null) {
      installed = install();
    }
    return installed.resolve("bin/peerlink");
  }

  /**
   * How in-process test clients check the nodes: against the deployment CA that the first node made under
   * the installed copy's conf/tls, as the console there does by default.
   */
  static ClientTls clientTls() {
    bin();
    return ClientTls.trusting(installed.resolve("conf/tls").resolve(TlsFiles.CA_CERT));
  }

  /** The deployment CA the nodes' certificates are signed by (made by the first node started), for clients outside the JVM. */
  static Path caFile() {
    bin();
    return installed.resolve("conf/tls").resolve(TlsFiles.CA_CERT);
  }

  static void environment(ProcessBuilder builder) {
    builder.environment().put("PEERLINK_NO_BUILD", "1");
    // C1 only and the serial collector: these nodes carry a few messages a second, and three or four of them
    // start at once on the test machine's cores, where C2's compilations and G1's threads cost more time than
    // they save (bin/peerlink runs the rm this way for the same reason).
    builder.environment().put("PEERLINK_HEAP", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
  }

  private static Path install() {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Path build = buildDirectory(home);
    Path bin = home.resolve("bin/peerlink");
    if (!Files.isExecutable(bin) || !Files.exists(build.resolve("peerlink.jar")) || !Files.isDirectory(build.resolve("lib"))) {
      throw new IllegalStateException("Run end-to-end tests with 'mvnw verify': they need bin/peerlink, peerlink.jar and lib/ in " + build);
    }
    try {
      Path copy = Files.createTempDirectory("peerlink-e2e-install-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copy)));
      Files.createDirectories(copy.resolve("bin"));
      Files.copy(bin, copy.resolve("bin/peerlink"), StandardCopyOption.COPY_ATTRIBUTES);
      copyTree(home.resolve("conf"), copy.resolve("conf"));
      copyTree(build.resolve("lib"), copy.resolve("target/lib"));
      copyJar(build.resolve("peerlink.jar"), copy.resolve("target/peerlink.jar"));
      System.out.println("end-to-end nodes run from " + copy + " (a copy of " + build + ")");
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The build directory holding these test classes (…/test-classes), else the checkout's target/. */
  private static Path buildDirectory(Path home) {
    try {
      Path classes = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path build = classes.getParent();
      if (build != null && Files.exists(build.resolve("peerlink.jar"))) {
        return build;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the default
    }
    return home.resolve("target");
  }

  /** Copies the jar and checks the copy is a whole jar (it may have been caught while being rewritten). */
  private static void copyJar(Path jar, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    IOException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
      try (ZipFile zip = new ZipFile(target.toFile())) {
        if (zip.getEntry("peerlink/cli/Main.class") != null) {
          return;
        }
        last = new IOException(jar + " has no peerlink/cli/Main.class");
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IOException("could not take a whole copy of " + jar, last);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
