package dev.sluice.testkit;

import java.awt.image.BufferedImage;

/**
 * Reads a browser's screenshot for what was drawn: how many pixels are near a colour, allowing for
 * anti-aliasing, so a test can tell a chart line was drawn in its colour without comparing images.
 *
 * <p>Thread-safe: no state.
 */
public final class Pixels {
  /** How far each channel may be from the colour asked for: anti-aliased edges blend a little. */
  static final int TOLERANCE = 24;

  private Pixels() {}

  /**
   * The number of pixels of {@code image} within a small distance of {@code rgb} in each channel.
   */
  public static int near(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= TOLERANCE
            && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= TOLERANCE
            && Math.abs((p & 0xff) - (rgb & 0xff)) <= TOLERANCE) {
          n++;
        }
      }
    }
    return n;
  }
}
