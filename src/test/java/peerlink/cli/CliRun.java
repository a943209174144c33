package peerlink.cli;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** One in-process run of the {@code peerlink} command line with bin/peerlink's configuration file: its exit code and what it printed to stderr. */
record CliRun(int exitCode, String stderr) {

  /** Runs {@code peerlink args} with the system property {@code key} set to {@code value} (none when key is null). */
  static CliRun peerlink(String key, String value, String... args) {
    System.setProperty("config.file", "conf/peerlink.conf"); // as bin/peerlink runs it
    if (key != null) {
      System.setProperty(key, value);
    }
    ConfigFactory.invalidateCaches();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = new CommandLine(new Main());
      int code = cli.execute(args);
      return new CliRun(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }
  }
}
