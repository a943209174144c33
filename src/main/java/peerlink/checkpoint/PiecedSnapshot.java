package peerlink.checkpoint;

import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A snapshot most of whose content never changes once made: that content comes in pieces, each with an
 * id, which a snapshot store keeps once and which later snapshots refer to instead of carrying them again.
 * So a checkpoint costs what changed since the one before, not the whole state (docs/replication.md §2,
 * "Checkpoints in pieces").
 *
 * <p>The contract a snapshot store relies on: an id always stands for the same content; and once a snapshot
 * no longer refers to a piece, no later snapshot of the same entity will. That second rule is what lets a
 * store delete the pieces only deleted snapshots referred to while a newer snapshot is being written.
 *
 * <p>This package is the whole contract between persistent state ({@code router}) and the stores
 * ({@code storage}); it depends on neither.
 */
public interface PiecedSnapshot {

  /** Each piece this snapshot refers to, with its id; its content is asked for only if the store does not have it. */
  void forEachPiece(PieceVisitor visitor);

  /**
   * This snapshot as it was read back without the content of its pieces, made whole: {@code pieceById} gives
   * the content of each id that {@link #forEachPiece} named (and fails for an id the store does not hold).
   */
  Object withPieces(LongFunction<Object> pieceById);

  /** Receives the pieces of a snapshot. */
  @FunctionalInterface
  interface PieceVisitor {
    /** @param content the piece's content, an object the store serializes like the snapshot itself */
    void piece(long id, Supplier<Object> content);
  }
}
