package peerlink.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import peerlink.client.ClientRuntime;

/**
 * Runs one scenario: a work directory for node data and logs, the shared client runtime, a shutdown hook
 * that stops every node it started, and the results printed to stdout (a table, or JSON lines).
 */
public final class Bench {
  private final BenchOptions options;

  Bench(BenchOptions options) {
    this.options = options;
  }

  /** Entry point for {@code bin/peerlink bench}; returns the process exit code. */
  public static int run(BenchOptions options) {
    return new Bench(options).run();
  }

  int run() {
    List<String> names = new ArrayList<>();
    for (String name : options.scenario().split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    List<Scenario> scenarios = new ArrayList<>();
    try {
      if (names.size() == 1 && names.get(0).equals("all")) {
        names = Scenario.ALL;
      }
      for (String name : names) {
        scenarios.add(Scenario.named(name));
      }
    } catch (BenchException e) {
      System.err.println("peerlink bench: " + e.getMessage());
      return 2;
    }
    if (scenarios.isEmpty()) {
      System.err.println("peerlink bench: no scenario given; one of " + Scenario.NAMES);
      return 2;
    }
    long seed = options.seed() != null ? options.seed() : System.nanoTime();
    NodeReaper.install();
    Path workDir;
    try {
      workDir = options.workDir() != null
          ? Files.createDirectories(options.workDir())
          : Files.createTempDirectory("peerlink-bench-" + String.join("-", names) + "-");
    } catch (IOException e) {
      System.err.println("peerlink bench: cannot create the work directory: " + e.getMessage());
      return 2;
    }
    PrintStream out = System.out;
    List<ResultRow> rows = new ArrayList<>();
    int exit = 0;
    try (Progress progress = new Progress(names.get(0))) {
      progress.line("work directory (node logs): " + workDir + "; seed " + seed + "; bin/peerlink at " + ProjectHome.launcher());
      CompletableFuture<ClientRuntime> runtime = CompletableFuture.supplyAsync(() -> new ClientRuntime());
      BenchContext ctx = new BenchContext(options, workDir, progress, runtime, seed, scenarios.size() > 1);
      try {
        for (int i = 0; i < scenarios.size(); i++) {
          progress.scenario(names.get(i));
          try {
            rows.addAll(scenarios.get(i).run(ctx));
          } catch (Exception e) {
            exit = 1;
            progress.line("FAILED: " + e.getMessage() + " (node logs in " + workDir + ")");
            if (!(e instanceof BenchException)) {
              e.printStackTrace();
            }
          }
        }
        progress.line("done; node logs in " + workDir);
      } finally {
        ctx.stopDeployments();
        runtime.thenAccept(ClientRuntime::close).exceptionally(e -> null).join();
        if (!options.keepData()) {
          deleteDataDirs(workDir);
        }
      }
    }
    if (options.json()) {
      ResultTable.json(rows, out);
    } else {
      ResultTable.table(rows, out);
    }
    return exit;
  }

  /** Removes the nodes' data directories (LevelDB files); logs stay for reading. */
  private static void deleteDataDirs(Path workDir) {
    try (var dirs = Files.walk(workDir, 3)) {
      for (Path dir : dirs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().endsWith("-data")).toList()) {
        deleteTree(dir);
      }
    } catch (IOException e) {
      System.err.println("peerlink bench: could not remove data directories under " + workDir + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
