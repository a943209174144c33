package peerlink.router;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.function.UnaryOperator;

/**
 * Entries of a kept log ({@link KeptEntries}) as a checkpoint stores them: a full block is a piece of its
 * own ({@link KeptForm}), the open block is written with its peer. Each value is a name (a client id, or
 * the recipient of a delivered direct message) or the whole record of a delivered group message.
 *
 * @param names   the value of each entry that is a name; null where it is a record
 * @param records the value of each entry that is a record, null elsewhere; null when none is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record KeptBlock(long[] numbers, String[] names, MessageRecord[] records) implements CborSerializable {

  static KeptBlock of(KeptEntries.Block block) {
    Object[] values = block.values();
    String[] names = new String[values.length];
    MessageRecord[] records = null;
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof String name) {
        names[i] = name;
      } else {
        if (records == null) {
          records = new MessageRecord[values.length];
        }
        records[i] = (MessageRecord) values[i];
      }
    }
    return new KeptBlock(block.numbers(), names, records);
  }

  /** The entries, with each name (and each name in a record) replaced by {@code interned}'s instance of it. */
  KeptEntries.Block toBlock(UnaryOperator<String> interned) {
    if (names.length != numbers.length || (records != null && records.length != numbers.length)) {
      throw new IllegalArgumentException("a kept block of " + numbers.length + " numbers with " + names.length + " names");
    }
    Object[] values = new Object[numbers.length];
    for (int i = 0; i < values.length; i++) {
      if (names[i] != null) {
        values[i] = interned.apply(names[i]);
      } else if (records != null && records[i] != null) {
        values[i] = records[i].withNames(interned);
      } else {
        throw new IllegalArgumentException("kept entry " + numbers[i] + " has neither a name nor a record");
      }
    }
    return new KeptEntries.Block(numbers, values);
  }
}
