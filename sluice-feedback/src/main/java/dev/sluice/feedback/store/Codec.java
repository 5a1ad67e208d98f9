package dev.sluice.feedback.store;

import dev.sluice.core.suppress.Suppression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte forms of what the feedback store keeps: keys with big-endian numbers (so RocksDB's byte
 * order is time order) and values as a version byte followed by fields in {@link DataOutputStream}
 * form.
 *
 * <p>Stateless; thread-safe.
 */
final class Codec {
  private static final byte VERSION = 1;

  /** Separates a text part of a key from what follows; never in addresses, ids or queue ids. */
  static final byte SEP = 0;

  private Codec() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String utf8(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  /** {@code text}, the separator, then each number in 8 big-endian bytes. */
  static byte[] key(String text, long... numbers) {
    byte[] t = utf8(text);
    ByteBuffer b = ByteBuffer.allocate(t.length + 1 + 8 * numbers.length);
    b.put(t).put(SEP);
    for (long n : numbers) {
      b.putLong(n);
    }
    return b.array();
  }

  /** {@code text} and the separator: the prefix of every {@link #key} made from it. */
  static byte[] prefix(String text) {
    return key(text);
  }

  /** The text part of a key made by {@link #key}. */
  static String text(byte[] key) {
    int sep = indexOf(key, SEP);
    return utf8(key, 0, sep);
  }

  static long longAt(byte[] b, int offset) {
    return ByteBuffer.wrap(b, offset, 8).getLong();
  }

  static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return b.length;
  }

  static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] longBytes2(long a, long b) {
    return ByteBuffer.allocate(16).putLong(a).putLong(b).array();
  }

  static byte[] longBytes(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  static byte[] entry(HistoryEntry e) {
    return write(
        out -> {
          out.writeLong(e.time().toEpochMilli());
          out.writeByte(e.kind().ordinal());
          out.writeUTF(e.recipient());
          out.writeUTF(e.sesMessageId());
          writeLong(out, e.detail());
        });
  }

  static HistoryEntry entry(byte[] b) {
    return read(
        b,
        in ->
            new HistoryEntry(
                Instant.ofEpochMilli(in.readLong()),
                HistoryEntry.Kind.values()[in.readByte()],
                in.readUTF(),
                in.readUTF(),
                readLong(in)));
  }

  static byte[] suppression(Suppression s) {
    return write(
        out -> {
          out.writeByte(s.reason().ordinal());
          out.writeLong(s.time().toEpochMilli());
          writeLong(out, s.cause());
          out.writeUTF(s.source());
        });
  }

  static Suppression suppression(String address, byte[] b) {
    return read(
        b,
        in ->
            new Suppression(
                address,
                Suppression.Reason.values()[in.readByte()],
                Instant.ofEpochMilli(in.readLong()),
                readLong(in),
                in.readUTF()));
  }

  /** What an expiry record deletes: pairs of (column family index, key). */
  record Doomed(int family, byte[] key) {}

  static byte[] doomed(List<Doomed> keys) {
    return write(
        out -> {
          out.writeInt(keys.size());
          for (Doomed d : keys) {
            out.writeByte(d.family());
            out.writeInt(d.key().length);
            out.write(d.key());
          }
        });
  }

  static List<Doomed> doomed(byte[] b) {
    return read(
        b,
        in -> {
          int n = in.readInt();
          List<Doomed> keys = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            int family = in.readByte();
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            keys.add(new Doomed(family, key));
          }
          return keys;
        });
  }

  /** Text of any length (writeUTF stops at 64 KB of encoded text). */
  private static void writeLong(DataOutputStream out, String s) throws IOException {
    byte[] b = utf8(s);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLong(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] b, Reader<T> r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("feedback store value of unknown version " + version);
      }
      return r.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt feedback store value", e);
    }
  }
}
