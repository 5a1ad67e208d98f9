package dev.sluice.kafka;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value of a message record: a {@link SpoolEntry} and the message content. The queue id is the
 * record key, so it is not repeated here; the entry's size is the content's length.
 *
 * <p>Format 1, all integers as unsigned LEB128 varints (signed ones zig-zag encoded first): the
 * version byte {@code 1}, the state code (1 byte: 1 queued, 2 active, 3 deferred, 4 failed), due
 * (epoch seconds signed, nanos), attempts, received (epoch seconds signed, nanos), sender, the
 * recipient count and each recipient, origin, last error (each string its UTF-8 length and octets),
 * then the content up to the end of the value. A new layout gets a new version byte and this class
 * keeps reading the old ones; a version it does not know is refused with an error naming both.
 *
 * <p>Stateless.
 */
final class RecordCodec {
  /** The format this version writes. */
  static final byte VERSION = 1;

  private RecordCodec() {}

  /** A decoded record: its entry and its content. */
  record Decoded(SpoolEntry entry, byte[] content) {}

  static byte[] encode(SpoolEntry e, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + content.length);
    out.write(VERSION);
    out.write(e.state().code()); // codes, not ordinals
    putInstant(out, e.due());
    putVarLong(out, e.attempts());
    putInstant(out, e.received());
    putString(out, e.envelope().from());
    List<String> recipients = e.envelope().recipients();
    putVarLong(out, recipients.size());
    for (String r : recipients) {
      putString(out, r);
    }
    putString(out, e.origin());
    putString(out, e.lastError());
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** The entry and a copy of the content. */
  static Decoded decode(QueueId id, byte[] value) {
    Reader r = new Reader(id, value);
    SpoolEntry e = r.entry();
    return new Decoded(e, Arrays.copyOfRange(value, r.pos, value.length));
  }

  /** The entry alone, without copying the content. */
  static SpoolEntry decodeEntry(QueueId id, byte[] value) {
    return new Reader(id, value).entry();
  }

  private static void putInstant(ByteArrayOutputStream out, Instant t) {
    long s = t.getEpochSecond();
    putVarLong(out, (s << 1) ^ (s >> 63));
    putVarLong(out, t.getNano());
  }

  private static void putString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    putVarLong(out, b.length);
    out.writeBytes(b);
  }

  private static void putVarLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Reads one value front to back. */
  private static final class Reader {
    private final QueueId id;
    private final byte[] b;
    private int pos;

    Reader(QueueId id, byte[] b) {
      this.id = id;
      this.b = b;
    }

    SpoolEntry entry() {
      if (b == null || b.length == 0) {
        throw new SpoolException("record " + id + " has no value");
      }
      int version = b[pos++];
      if (version != VERSION) {
        throw new SpoolException(
            "record "
                + id
                + " has format "
                + version
                + "; this version of Sluice reads format "
                + VERSION
                + " (was it written by a newer Sluice?)");
      }
      try {
        SpoolState state = state(b(), id);
        Instant due = instant();
        int attempts = Math.toIntExact(varLong());
        Instant received = instant();
        String from = string();
        int n = Math.toIntExact(varLong());
        if (n > b.length - pos) {
          throw new IllegalArgumentException("recipient count " + n + " out of range");
        }
        List<String> recipients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          recipients.add(string());
        }
        String origin = string();
        String lastError = string();
        return new SpoolEntry(
            id,
            new Envelope(from, recipients),
            b.length - pos,
            received,
            origin,
            state,
            due,
            attempts,
            lastError);
      } catch (ArrayIndexOutOfBoundsException
          | ArithmeticException
          | IllegalArgumentException
          | DateTimeException e) {
        throw new SpoolException("record " + id + " is damaged: " + e.getMessage(), e);
      }
    }

    private int b() {
      return b[pos++] & 0xff;
    }

    private long varLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = b();
        v |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint longer than 64 bits");
    }

    private Instant instant() {
      long z = varLong();
      long seconds = (z >>> 1) ^ -(z & 1);
      return Instant.ofEpochSecond(seconds, varLong());
    }

    private String string() {
      long n = varLong();
      if (n < 0 || n > b.length - pos) {
        throw new IllegalArgumentException("string length " + n + " out of range");
      }
      String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
      pos += (int) n;
      return s;
    }

    private static SpoolState state(int code, QueueId id) {
      SpoolState s = SpoolState.ofCode(code);
      if (s == null) {
        throw new SpoolException("record " + id + " has unknown state code " + code);
      }
      return s;
    }
  }
}
