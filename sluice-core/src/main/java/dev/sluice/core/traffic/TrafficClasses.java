package dev.sluice.core.traffic;

import dev.sluice.core.spool.BucketRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The traffic classes of a relay, each owning a range of the spool's buckets and a guaranteed share
 * of a route's rate and of the messages in flight.
 *
 * <p>Design: a message's class is decided once, at the door, and recorded in where it is spooled:
 * the spool puts it in one of its class's buckets ({@link #buckets}). So the scheduler knows the
 * class of every waiting message without reading it, and a class's bucket workers take its messages
 * in due order of their own, never behind another class's backlog. The buckets are split in
 * proportion to the shares, at least one each, in the order the classes are listed. The mapping is
 * a function of the configuration: a relay restarted with other classes reads the messages already
 * spooled as belonging to the class that owns their bucket now.
 *
 * <p>Equal when the classes, their order and the default are. Immutable and thread-safe.
 */
public final class TrafficClasses {
  private final List<TrafficClass> classes;
  private final int defaultIndex;

  private TrafficClasses(List<TrafficClass> classes, int defaultIndex) {
    this.classes = List.copyOf(classes);
    this.defaultIndex = defaultIndex;
  }

  /** One class, {@code default}, with the whole rate: what a relay without classes has. */
  public static TrafficClasses single() {
    return new TrafficClasses(List.of(new TrafficClass("default", 1.0)), 0);
  }

  /**
   * Classes from a list such as {@code transactional:30%,bulk:70%}, with {@code defaultName} the
   * class of a message nothing else names one for.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static TrafficClasses parse(String spec, String defaultName) {
    List<TrafficClass> list = new ArrayList<>();
    double total = 0;
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected NAME:SHARE%, e.g. bulk:70%, got '" + p + "'");
      }
      String name = p.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      double share = percent(p.substring(colon + 1).strip());
      for (TrafficClass c : list) {
        if (c.name().equals(name)) {
          throw new IllegalArgumentException("class " + name + " is listed twice");
        }
      }
      list.add(new TrafficClass(name, share));
      total += share;
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("at least one class is needed, e.g. bulk:100%");
    }
    if (total > 1.0 + 1e-9) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "the shares add up to %.1f%%, more than 100%%", total * 100));
    }
    TrafficClasses c = new TrafficClasses(list, 0);
    int d = c.indexOf(defaultName.strip().toLowerCase(Locale.ROOT));
    if (d < 0) {
      throw new IllegalArgumentException(
          "the default class '" + defaultName + "' is not one of " + c.names());
    }
    return new TrafficClasses(list, d);
  }

  private static double percent(String s) {
    String v = s.endsWith("%") ? s.substring(0, s.length() - 1).strip() : s;
    try {
      return Double.parseDouble(v) / 100.0;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a share such as 30%, got '" + s + "'");
    }
  }

  /** How many classes there are. */
  public int size() {
    return classes.size();
  }

  /** The class at {@code index}, in the order listed. */
  public TrafficClass get(int index) {
    return classes.get(index);
  }

  /** The classes in the order listed. */
  public List<TrafficClass> all() {
    return classes;
  }

  /** The names in the order listed. */
  public List<String> names() {
    return classes.stream().map(TrafficClass::name).toList();
  }

  /** The index of the class named {@code name} (case-insensitive), or -1. */
  public int indexOf(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the class a message gets when nothing names one. */
  public int defaultIndex() {
    return defaultIndex;
  }

  /**
   * The buckets of class {@code index} among a spool's {@code buckets}: contiguous, in proportion
   * to the shares, at least one per class.
   *
   * @throws IllegalArgumentException when there are fewer buckets than classes
   */
  public BucketRange buckets(int index, int buckets) {
    checkBuckets(buckets);
    return new BucketRange(start(index, buckets), start(index + 1, buckets) - 1);
  }

  /** The class owning {@code bucket} among {@code buckets} (see {@link #buckets}). */
  public int classOfBucket(int bucket, int buckets) {
    checkBuckets(buckets);
    for (int i = classes.size() - 1; i > 0; i--) {
      if (bucket >= start(i, buckets)) {
        return i;
      }
    }
    return 0;
  }

  /**
   * Checks that a spool of {@code buckets} buckets gives each class at least one.
   *
   * @throws IllegalArgumentException when it does not
   */
  public void checkBuckets(int buckets) {
    if (buckets < classes.size()) {
      throw new IllegalArgumentException(
          classes.size() + " traffic classes need at least as many spool buckets, got " + buckets);
    }
  }

  // Class i starts after one bucket for each class before it and its share of the rest.
  private int start(int index, int buckets) {
    if (index >= classes.size()) {
      return buckets;
    }
    double before = 0;
    double total = 0;
    for (int i = 0; i < classes.size(); i++) {
      if (i < index) {
        before += classes.get(i).share();
      }
      total += classes.get(i).share();
    }
    int spare = buckets - classes.size();
    return index + (int) Math.floor(before / total * spare + 1e-9);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrafficClasses other
        && classes.equals(other.classes)
        && defaultIndex == other.defaultIndex;
  }

  @Override
  public int hashCode() {
    return classes.hashCode() * 31 + defaultIndex;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (TrafficClass c : classes) {
      if (!b.isEmpty()) {
        b.append(',');
      }
      b.append(c.name()).append(':').append(Math.round(c.share() * 1000) / 10.0).append('%');
    }
    return b.toString();
  }
}
