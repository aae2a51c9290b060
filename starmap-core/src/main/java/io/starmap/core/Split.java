package io.starmap.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Cuts many small items into blocks, one block per task, so that tasks have similar costs and
 * each task handles items of one kind only.
 *
 * <ul>
 *   <li>{@link #inBlocks}: about {@code hint} blocks of similar total weight, eagerly;
 *   <li>{@link #byMaxWeight}: lazily, blocks of at most a maximum weight, optionally the heaviest
 *       items first.
 * </ul>
 *
 * <p>Both never mix keys in one block, skip items of weight 0 (they cost nothing, so no task is
 * needed for them) and reject a negative or NaN weight with an {@link IllegalArgumentException}
 * naming the item. An item heavier than the maximum gets a block of its own.
 */
public final class Split {
  private Split() {}

  /**
   * A block of items for one task.
   *
   * @param items the items, in order; not empty
   * @param weight their total weight
   * @param key the key shared by all the items (null when the split had no key)
   * @param <T> the item type
   */
  public record Block<T>(List<T> items, double weight, Object key) implements Serializable {
    /** Copies the items. */
    public Block {
      items = List.copyOf(items);
    }

    /**
     * How many items.
     *
     * @return the number of items, 1 or more
     */
    public int size() {
      return items.size();
    }

    /**
     * {@code Block[12 items, weight 340.0, key A]}: short, because it names the task in errors
     * and records, and a block may hold thousands of items.
     */
    @Override
    public String toString() {
      return "Block[" + items.size() + " items, weight " + weight
          + (key == null ? "" : ", key " + key) + "]";
    }
  }

  /**
   * About {@code hint} blocks of similar total weight, of one key each. Items are grouped by key
   * (keys in order of first appearance, items in their order within a key), then cut into blocks
   * of at most {@code ceil(total weight / hint)} (the exact quotient when the total is less than
   * {@code hint}). A {@code hint} of 0 or 1 gives one block per key.
   *
   * @param items the items; read once
   * @param hint the number of blocks wanted; not negative
   * @param weight the weight of an item; not negative
   * @param key the key of an item; items of different keys never share a block
   * @param <T> the item type
   * @return the blocks, grouped by key in order of first appearance; empty when every item weighs 0
   */
  public static <T> List<Block<T>> inBlocks(Collection<? extends T> items, int hint,
      ToDoubleFunction<? super T> weight, Function<? super T, ?> key) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(key, "key");
    if (hint < 0) {
      throw new IllegalArgumentException("hint must not be negative, got " + hint);
    }
    Map<Object, List<T>> byKey = new LinkedHashMap<>();
    double total = 0;
    for (T item : items) {
      total += weightOf(item, weight);
      byKey.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
    }
    double max;
    if (hint <= 1) {
      max = Double.POSITIVE_INFINITY;
    } else {
      max = total >= hint ? Math.ceil(total / hint) : total / hint;
    }
    List<Block<T>> blocks = new ArrayList<>();
    for (List<T> group : byKey.values()) {
      new Splitter<T>(group.iterator(), max, weight, key).forEachRemaining(blocks::add);
    }
    return blocks;
  }

  /**
   * {@link #inBlocks(Collection, int, ToDoubleFunction, Function)} with one key for all.
   *
   * @param <T> the item type
   * @param items the items; read once
   * @param hint the number of blocks wanted; not negative
   * @param weight the weight of an item; not negative
   * @return the blocks, in item order; empty when every item weighs 0
   */
  public static <T> List<Block<T>> inBlocks(Collection<? extends T> items, int hint,
      ToDoubleFunction<? super T> weight) {
    return inBlocks(items, hint, weight, item -> null);
  }

  /**
   * Blocks of at most {@code maxWeight}, made lazily as they are iterated: a block is closed when
   * adding the next item would exceed {@code maxWeight}, or when the key changes (so items of one
   * key should come together). Each call to {@code iterator()} reads {@code items} again.
   *
   * @param items the items
   * @param maxWeight the maximum weight of a block; positive
   * @param weight the weight of an item; not negative
   * @param key the key of an item
   * @param heaviestFirst sort the items by decreasing weight first (this reads them all; ties
   *     keep their order), so the slowest tasks start first
   * @param <T> the item type
   * @return an iterable of blocks, made anew on each {@code iterator()} call
   */
  public static <T> Iterable<Block<T>> byMaxWeight(Iterable<? extends T> items, double maxWeight,
      ToDoubleFunction<? super T> weight, Function<? super T, ?> key, boolean heaviestFirst) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(key, "key");
    if (!(maxWeight > 0)) {
      throw new IllegalArgumentException("maxWeight must be positive, got " + maxWeight);
    }
    return () -> {
      Iterator<? extends T> source = items.iterator();
      if (heaviestFirst) {
        List<T> sorted = new ArrayList<>();
        source.forEachRemaining(sorted::add);
        for (T item : sorted) {
          weightOf(item, weight); // a negative weight fails before anything is sorted
        }
        sorted.sort(Comparator.comparingDouble(weight).reversed());
        source = sorted.iterator();
      }
      return new Splitter<T>(source, maxWeight, weight, key);
    };
  }

  /**
   * {@link #byMaxWeight(Iterable, double, ToDoubleFunction, Function, boolean)} with one key.
   *
   * @param <T> the item type
   * @param items the items; read again on each {@code iterator()} call
   * @param maxWeight the maximum weight of a block; positive
   * @param weight the weight of an item; not negative
   * @return an iterable of blocks, in item order, made anew on each {@code iterator()} call
   */
  public static <T> Iterable<Block<T>> byMaxWeight(Iterable<? extends T> items, double maxWeight,
      ToDoubleFunction<? super T> weight) {
    return byMaxWeight(items, maxWeight, weight, item -> null, false);
  }

  private static <T> double weightOf(T item, ToDoubleFunction<? super T> weight) {
    double w = weight.applyAsDouble(item);
    if (w < 0 || Double.isNaN(w)) {
      throw new IllegalArgumentException("the weight of item " + item + " is " + w
          + "; weights must not be negative");
    }
    return w;
  }

  /** The lazy block maker behind both splits. */
  private static final class Splitter<T> implements Iterator<Block<T>> {
    private final Iterator<? extends T> source;
    private final double max;
    private final ToDoubleFunction<? super T> weight;
    private final Function<? super T, ?> key;
    private List<T> items = new ArrayList<>();
    private double blockWeight;
    private Object blockKey;
    private Block<T> ready;

    Splitter(Iterator<? extends T> source, double max, ToDoubleFunction<? super T> weight,
        Function<? super T, ?> key) {
      this.source = source;
      this.max = max;
      this.weight = weight;
      this.key = key;
    }

    @Override
    public boolean hasNext() {
      while (ready == null && source.hasNext()) {
        T item = source.next();
        double w = weightOf(item, weight);
        if (w == 0) {
          continue;
        }
        Object k = key.apply(item);
        if (!items.isEmpty() && (blockWeight + w > max || !Objects.equals(k, blockKey))) {
          ready = close();
        }
        if (items.isEmpty()) {
          blockKey = k;
        }
        items.add(item);
        blockWeight += w;
      }
      if (ready == null && !items.isEmpty()) {
        ready = close();
      }
      return ready != null;
    }

    private Block<T> close() {
      Block<T> block = new Block<>(items, blockWeight, blockKey);
      items = new ArrayList<>();
      blockWeight = 0;
      return block;
    }

    @Override
    public Block<T> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Block<T> block = ready;
      ready = null;
      return block;
    }
  }
}
