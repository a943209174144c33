package peerlink.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds this checkout's {@code bin/peerlink}, which the benchmark runs to start router nodes and the rm. */
final class ProjectHome {
  private ProjectHome() {}

  /**
   * The project home: the system property {@code peerlink.home} if set, else the directory above
   * {@code target/} holding the running jar, else the working directory.
   */
  static Path find() {
    String property = System.getProperty("peerlink.home");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    Path fromJar = fromCodeSource();
    if (fromJar != null && Files.isExecutable(fromJar.resolve("bin/peerlink"))) {
      return fromJar;
    }
    return Path.of("").toAbsolutePath();
  }

  static Path launcher() {
    Path bin = find().resolve("bin/peerlink");
    if (!Files.isExecutable(bin)) {
      throw new BenchException("Cannot find bin/peerlink under " + find() + "; run from the project directory or set -Dpeerlink.home.");
    }
    return bin;
  }

  private static Path fromCodeSource() {
    try {
      var source = ProjectHome.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      Path location = Path.of(source.getLocation().toURI()); // target/peerlink.jar or target/classes
      Path target = location.getParent();
      return target == null ? null : target.getParent();
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }
}
