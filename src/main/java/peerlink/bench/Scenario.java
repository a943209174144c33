package peerlink.bench;

import java.util.List;

/** One benchmark scenario: starts what it needs, drives it, and returns its result rows. */
interface Scenario {
  List<ResultRow> run(BenchContext ctx) throws Exception;

  static Scenario named(String name) {
    return switch (name) {
      case "direct" -> new DirectScenario(false);
      case "durable" -> new DirectScenario(true);
      case "offline" -> new OfflineScenario();
      case "failover" -> new FailoverScenario();
      case "fanout" -> new FanoutScenario();
      case "connections" -> new ConnectionsScenario();
      case "abuse" -> new AbuseScenario();
      case "scale" -> new ScaleScenario();
      default -> throw new BenchException("unknown scenario '" + name + "'; one of " + NAMES);
    };
  }

  List<String> NAMES = List.of("direct", "durable", "offline", "failover", "fanout", "connections", "abuse", "scale");

  /** What {@code all} runs: every scenario but {@code scale}, which runs for hours at its defaults. */
  List<String> ALL = NAMES.stream().filter(name -> !name.equals("scale")).toList();
}
