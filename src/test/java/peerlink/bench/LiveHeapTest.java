package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code jcmd GC.heap_info} as the JDK 17 collectors print it: only heap lines count, never Metaspace. */
class LiveHeapTest {
  @Test
  void g1PrintsOneHeapLine() {
    String info = """
        12345:
         garbage-first heap   total 1048576K, used 73512K [0x00000000c0000000, 0x0000000100000000)
          region size 1024K, 4 young (4096K), 0 survivors (0K)
         Metaspace       used 61234K, committed 61888K, reserved 1105920K
          class space    used 7890K, committed 8192K, reserved 1048576K
        """;
    assertEquals(73512, LiveHeap.usedKib(info));
  }

  @Test
  void theSerialCollectorPrintsOneLinePerGeneration() {
    String info = """
        12345:
         def new generation   total 9792K, used 1200K [0x00000000e0000000, 0x00000000e0aa0000, 0x00000000eaaa0000)
          eden space 8704K,  13% used [0x00000000e0000000, 0x00000000e012c000, 0x00000000e0880000)
         tenured generation   total 21888K, used 15000K [0x00000000eaaa0000, 0x00000000ec000000, 0x0000000100000000)
         Metaspace       used 30000K, committed 30336K, reserved 1081344K
        """;
    assertEquals(16200, LiveHeap.usedKib(info));
  }

  @Test
  void noHeapLineIsUnknown() {
    assertEquals(-1, LiveHeap.usedKib("12345:\nCommand not found\n"));
  }
}
