package peerlink.protocol;

/** Checks on frame fields, turning a missing one into a BAD_FRAME that names it. */
final class Fields {
  private Fields() {}

  static void require(Object value, String name) {
    if (value == null) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Missing field '" + name + "'.");
    }
  }
}
