package peerlink.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.InProcessNode;
import peerlink.testing.TestCerts;

/**
 * docs/client.md's example program, compiled and run as a user outside the project would: in its own JVM,
 * with nothing on its class path but the client jar and the client's dependencies (no server class, no
 * cluster, persistence or LevelDB), against a real router node. And pom-client.xml names those dependencies
 * at the versions the build uses.
 */
class ClientExampleIT {
  private static final Path HOME = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();

  @TempDir Path work;
  @TempDir Path data;
  @TempDir Path tls;

  @Test
  void theExampleInClientMdRunsOnTheClientJarAloneAgainstARouterNode() throws Exception {
    Path build = buildDirectory();
    Path clientJar = build.resolve("peerlink-client.jar");
    assertTrue(Files.exists(clientJar), "run with 'mvnw verify': the package phase builds " + clientJar);
    List<Path> classPath = new ArrayList<>(List.of(clientJar));
    classPath.addAll(jars(build.resolve("client-lib")));
    for (Path jar : classPath) {
      String name = jar.getFileName().toString();
      assertTrue(!name.matches("(pekko-(cluster|persistence|remote|stream).*|leveldbjni.*|logback.*|picocli.*|jline.*)"), "a server dependency on the client's class path: " + name);
    }

    Path source = work.resolve("EchoExample.java");
    Files.writeString(source, javaBlock(Files.readString(HOME.resolve("docs/client.md"))));
    String cp = String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream compilerOutput = new ByteArrayOutputStream();
    int compiled = javac.run(null, compilerOutput, compilerOutput, "-cp", cp, "-d", work.toString(), source.toString());
    assertEquals(0, compiled, "the example compiles on the client jar alone: " + compilerOutput.toString(StandardCharsets.UTF_8));

    TestCerts certs = TestCerts.in(tls, "Example deployment CA");
    try (InProcessNode node = InProcessNode.start(data, TestCerts.serving(certs.node("node-example", List.of("127.0.0.1"))))) {
      Process example =
          new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                  "-cp", cp + java.io.File.pathSeparator + work, "EchoExample", "127.0.0.1:" + node.port(), certs.caFile().toString())
              .redirectErrorStream(true)
              .start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try {
          example.getInputStream().transferTo(output);
        } catch (IOException e) {
          // the process ended
        }
      });
      reader.start();
      boolean ended = example.waitFor(120, TimeUnit.SECONDS);
      if (!ended) {
        example.destroyForcibly();
      }
      reader.join(5_000);
      String printed = output.toString(StandardCharsets.UTF_8);
      assertTrue(ended, "the example did not end within 120 s; it printed:\n" + printed);
      assertEquals(0, example.exitValue(), printed);
      for (String expected : List.of("logged in as alice-", "SENT as m1", "reply: olleh", "DELIVERED to bob-", "(1/1)", "refused: UNKNOWN_RECIPIENT: ", "still logged in as alice-")) {
        assertTrue(printed.contains(expected), "printed '" + expected + "':\n" + printed);
      }
    }
  }

  @Test
  void pomClientNamesTheClientsDependenciesAtTheVersionsTheBuildUses() throws Exception {
    String pom = Files.readString(HOME.resolve("pom-client.xml"));
    Map<String, String> properties = new TreeMap<>();
    Matcher property = Pattern.compile("<(pekko|netty|jackson)\\.version>([^<]+)<").matcher(pom);
    while (property.find()) {
      properties.put(property.group(1) + ".version", property.group(2));
    }
    List<String> libs = jars(buildDirectory().resolve("client-lib")).stream().map(p -> p.getFileName().toString()).toList();
    Matcher dependency = Pattern.compile("<artifactId>([^<]+)</artifactId><version>\\$\\{([^}]+)}</version>").matcher(pom);
    int checked = 0;
    while (dependency.find()) {
      String jarPrefix = dependency.group(1) + "-" + properties.get(dependency.group(2));
      assertTrue(libs.stream().anyMatch(lib -> lib.startsWith(jarPrefix)), "pom-client.xml's " + jarPrefix + " is not what the build uses: " + libs);
      checked++;
    }
    assertTrue(checked >= 5, "read the dependencies of pom-client.xml: " + checked);
  }

  /** The first ```java block of the document. */
  private static String javaBlock(String markdown) {
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    assertTrue(block.find(), "docs/client.md has a java block");
    return block.group(1);
  }

  private static List<Path> jars(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
  }

  /** The build directory these test classes were compiled into (…/test-classes), else target/. */
  private static Path buildDirectory() {
    try {
      Path classes = Path.of(ClientExampleIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (classes.getParent() != null && Files.exists(classes.getParent().resolve("peerlink-client.jar"))) {
        return classes.getParent();
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the default
    }
    return HOME.resolve("target");
  }
}
