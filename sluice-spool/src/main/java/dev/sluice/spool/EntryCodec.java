package dev.sluice.spool;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link SpoolEntry} as bytes and reads it back. The id is the key, so it is not repeated
 * in the value.
 *
 * <p>Format 1: version byte {@code 1}, state code (1 byte), due (seconds 8, nanos 4), attempts (4),
 * size (8), received (seconds 8, nanos 4), then the strings sender, recipient count (4) and
 * recipients, origin, last error, each as length (4) and UTF-8. A new layout gets a new version
 * byte and this class keeps reading the old ones.
 *
 * <p>Stateless.
 */
final class EntryCodec {
  private static final byte VERSION = 1;

  private EntryCodec() {}

  static byte[] encode(SpoolEntry e) {
    byte[] from = utf8(e.envelope().from());
    List<String> recipients = e.envelope().recipients();
    byte[][] rcpts = new byte[recipients.size()][];
    int size = 1 + 1 + 12 + 4 + 8 + 12 + 4 + from.length + 4;
    for (int i = 0; i < rcpts.length; i++) {
      rcpts[i] = utf8(recipients.get(i));
      size += 4 + rcpts[i].length;
    }
    byte[] origin = utf8(e.origin());
    byte[] lastError = utf8(e.lastError());
    size += 4 + origin.length + 4 + lastError.length;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION).put((byte) e.state().code());
    putInstant(b, e.due());
    b.putInt(e.attempts()).putLong(e.size());
    putInstant(b, e.received());
    putBytes(b, from);
    b.putInt(rcpts.length);
    for (byte[] r : rcpts) {
      putBytes(b, r);
    }
    putBytes(b, origin);
    putBytes(b, lastError);
    return b.array();
  }

  static SpoolEntry decode(QueueId id, byte[] value) {
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      byte version = b.get();
      if (version != VERSION) {
        throw new SpoolException(
            "entry " + id + " has format " + version + "; this version reads format " + VERSION);
      }
      SpoolState state = state(b.get(), id);
      Instant due = getInstant(b);
      int attempts = b.getInt();
      long size = b.getLong();
      Instant received = getInstant(b);
      String from = getString(b);
      int n = b.getInt();
      List<String> recipients = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        recipients.add(getString(b));
      }
      String origin = getString(b);
      String lastError = getString(b);
      return new SpoolEntry(
          id,
          new Envelope(from, recipients),
          size,
          received,
          origin,
          state,
          due,
          attempts,
          lastError);
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw new SpoolException("entry " + id + " is damaged: " + e, e);
    }
  }

  // Codes, not ordinals: reordering the enum must not change what is on disk.
  private static SpoolState state(byte code, QueueId id) {
    SpoolState s = SpoolState.ofCode(code);
    if (s == null) {
      throw new SpoolException("entry " + id + " has unknown state code " + code);
    }
    return s;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void putBytes(ByteBuffer b, byte[] bytes) {
    b.putInt(bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("string length " + n + " out of range");
    }
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  private static void putInstant(ByteBuffer b, Instant t) {
    b.putLong(t.getEpochSecond()).putInt(t.getNano());
  }

  private static Instant getInstant(ByteBuffer b) {
    return Instant.ofEpochSecond(b.getLong(), b.getInt());
  }
}
