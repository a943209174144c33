package peerlink.router;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import peerlink.checkpoint.PiecedSnapshot;

/**
 * How a {@link KeptEntries} is written in a checkpoint: its full blocks as pieces, by id, and its open block
 * inline. A full block never changes, so a checkpoint stores only the blocks made since the one before
 * ({@link PiecedSnapshot}): written whole, 100 busy senders' kept ids and records were a checkpoint of
 * 8-55 MB every few seconds, and each one stalled the acknowledgements behind it (docs/performance.md,
 * "Checkpoints in pieces round").
 *
 * <p>Why the contract of {@link PiecedSnapshot} holds: a piece's id is its block's first message number and
 * the log it belongs to, and a block holds the 32 entries of its log that follow that message in the order
 * the events made them, so the id always stands for the same content. Positions, and so the block
 * boundaries, are kept across checkpoints ({@code base}); blocks are forgotten oldest first and never come
 * back.
 *
 * @param base      the position of the first full block's first entry
 * @param forgotten how many entries of the first full block are no longer kept
 * @param blocks    the piece ids of the full blocks, oldest first
 * @param open      the entries after the full blocks (fewer than a block)
 */
record KeptForm(long base, int forgotten, long[] blocks, KeptBlock open) {

  /** Which of a peer's logs: both may start a block with the same message, so their piece ids differ by it. */
  enum Log {
    SENT_IDS,
    DELIVERED;

    long pieceId(KeptEntries.Block block) {
      return block.numbers()[0] << 1 | ordinal();
    }
  }

  static KeptForm of(KeptEntries entries, Log log) {
    List<Long> ids = new ArrayList<>();
    entries.forEachFullBlock(block -> ids.add(log.pieceId(block)));
    return new KeptForm(entries.base(), entries.forgotten(), ids.stream().mapToLong(Long::longValue).toArray(), KeptBlock.of(entries.open()));
  }

  static void forEachPiece(KeptEntries entries, Log log, PiecedSnapshot.PieceVisitor visitor) {
    entries.forEachFullBlock(block -> visitor.piece(log.pieceId(block), () -> KeptBlock.of(block)));
  }

  /** The pieces this form names; it has no content for them (that is what {@link #restore} is given). */
  void forEachPiece(PiecedSnapshot.PieceVisitor visitor) {
    for (long id : blocks) {
      visitor.piece(id, () -> {
        throw new IllegalStateException("piece " + id + " of a checkpoint that was read is not loaded");
      });
    }
  }

  /** The log this form describes, its full blocks taken from {@code pieceById}, names from {@code interned}. */
  KeptEntries restore(int capacity, LongFunction<Object> pieceById, UnaryOperator<String> interned) {
    List<KeptEntries.Block> full = new ArrayList<>(blocks.length);
    for (long id : blocks) {
      full.add(((KeptBlock) pieceById.apply(id)).toBlock(interned));
    }
    KeptEntries.Block rest = open.toBlock(interned);
    return KeptEntries.restore(capacity, base, forgotten, full, rest.numbers(), rest.values());
  }
}
