package dev.sluice.spool;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A small real filesystem for tests that must fill a disk: an ext4 image file, loop-mounted on a
 * directory of its own. {@link #fill} writes a filler file until the disk refuses more; {@link
 * #release} deletes it.
 *
 * <p>Mounting needs root, {@code mkfs.ext4} (e2fsprogs) and loop devices. Where one is missing,
 * {@link #mount} skips the test with a JUnit assumption naming what is missing, so such a test is
 * reported as skipped, never as passed.
 *
 * <p>{@link #close} unmounts (lazily, if something still holds a file open), detaches the loop
 * device if the mount left one behind, and deletes the image; use it in try-with-resources so that
 * this happens when the test fails too. Not thread-safe.
 */
public final class SmallDisk implements AutoCloseable {
  private static final long COMMAND_SECONDS = 60;

  private final Path image;
  private final Path root;
  private final Path filler;
  private boolean mounted;

  private SmallDisk(Path image, Path root) {
    this.image = image;
    this.root = root;
    this.filler = root.resolve("filler");
  }

  /**
   * Makes an ext4 filesystem of {@code bytes} in an image file under {@code workDir} (with no
   * blocks reserved for root, so root sees the same free space as anyone) and mounts it.
   */
  public static SmallDisk mount(Path workDir, long bytes) throws IOException {
    assumeTrue(
        "0".equals(output(List.of("id", "-u")).strip()),
        "needs root to mount a loop device (the CI runs the suite as root)");
    assumeTrue(
        commandExists("mkfs.ext4"), "needs mkfs.ext4 (install e2fsprogs) to make a small disk");
    assumeTrue(
        commandExists("losetup") && Files.exists(Path.of("/dev/loop-control")),
        "needs loop devices (/dev/loop-control and losetup) to mount a small disk");
    Path image = workDir.resolve("small-disk.img");
    Path root = Files.createDirectories(workDir.resolve("small-disk"));
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(bytes);
    }
    run(List.of("mkfs.ext4", "-F", "-q", "-m", "0", image.toString()));
    SmallDisk disk = new SmallDisk(image, root);
    Result r = exec(List.of("mount", "-o", "loop", image.toString(), root.toString()));
    if (r.exit() != 0) {
      disk.close();
      assumeTrue(false, "cannot loop-mount a small disk here: " + r.output().strip());
    }
    disk.mounted = true;
    return disk;
  }

  /** The mounted filesystem's root directory. */
  public Path root() {
    return root;
  }

  /** The bytes free for files now, as {@code statvfs} reports them. */
  public long free() {
    try {
      return Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a filler file until the disk refuses more (ENOSPC), down to its last block, and syncs
   * it; afterwards {@link #free()} is 0.
   */
  public void fill() throws IOException {
    fill(0);
  }

  /**
   * Fills the disk as {@link #fill()} does, then gives back the last {@code leave} bytes of the
   * filler (whole 4 KB blocks), so that about that much is free.
   */
  public void fill(long leave) throws IOException {
    try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE_NEW)) {
      for (int chunk : new int[] {1 << 20, 4096}) {
        byte[] b = new byte[chunk];
        try {
          while (true) {
            out.write(b);
            out.flush();
          }
        } catch (IOException full) {
          if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
            throw full;
          }
        }
      }
    }
    try (FileChannel c = FileChannel.open(filler, StandardOpenOption.WRITE)) {
      if (leave > 0) {
        c.truncate(Math.max(0, c.size() - leave));
      }
      c.force(true);
    }
  }

  /** Deletes the filler file, giving its space back. */
  public void release() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException {
    try {
      if (mounted) {
        if (exec(List.of("umount", root.toString())).exit() != 0) {
          run(List.of("umount", "-l", root.toString())); // still busy: detach now, free later
        }
        mounted = false;
      }
      // mount -o loop frees its loop device on unmount; one it left behind is detached here.
      for (String line : output(List.of("losetup", "-j", image.toString())).split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          exec(List.of("losetup", "-d", line.substring(0, colon)));
        }
      }
    } finally {
      Files.deleteIfExists(image);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "SmallDisk[%s, %,d bytes free]", root, free());
  }

  private static boolean commandExists(String name) {
    try {
      return exec(List.of("sh", "-c", "command -v " + name)).exit() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static String output(List<String> command) throws IOException {
    return exec(command).output();
  }

  private static void run(List<String> command) throws IOException {
    Result r = exec(command);
    if (r.exit() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed (exit " + r.exit() + "): " + r.output().strip());
    }
  }

  private record Result(int exit, String output) {}

  private static Result exec(List<String> command) throws IOException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in a minute");
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
