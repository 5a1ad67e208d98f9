package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PixelsTest {
  @Test
  void near_countsPixelsWithinTheToleranceInEveryChannelOnly() {
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x1c7ed6); // the colour itself
    image.setRGB(1, 0, 0x1c7ed6 + 0x180000 + 0x001800 + 0x000018); // 24 off in each channel
    image.setRGB(2, 0, 0x1c7ed6 + 0x190000); // 25 off in red
    image.setRGB(3, 0, 0xffffff);

    assertThat(Pixels.near(image, 0x1c7ed6)).isEqualTo(2);
  }
}
