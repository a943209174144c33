package peerlink.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code bin/peerlink} of this checkout and runs it without rebuilding (the build made the jar). */
final class Launcher {
  private Launcher() {}

  static Path bin() {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Path bin = home.resolve("bin/peerlink");
    if (!Files.isExecutable(bin) || !Files.exists(home.resolve("target/peerlink.jar"))) {
      throw new IllegalStateException("Run end-to-end tests with 'mvnw verify': they need bin/peerlink and target/peerlink.jar");
    }
    return bin;
  }

  static void environment(ProcessBuilder builder) {
    builder.environment().put("PEERLINK_NO_BUILD", "1");
    builder.environment().put("PEERLINK_HEAP", "-Xmx256m");
  }
}
