package io.starmap.importer.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan's pieces grouped into tasks, given one at a time in plan order: a big piece is a task
 * alone, small ones are grouped up to the target size. The last bytes of small pieces go in
 * quarter-size tasks, run last (largest first): when one worker has nothing left, the other's
 * last task is short, so the server is not left with a single stream for long at the end.
 */
final class TaskGrouping {
  private record Sized(List<Piece> task, long bytes) {}

  private final long target;
  private final long tail;
  private final List<Sized> tasks = new ArrayList<>();
  private final List<Piece> group = new ArrayList<>();
  private long groupBytes;
  /** Bytes of small pieces not given yet. */
  private long smallLeft;

  /**
   * @param target the task size aimed at
   * @param workers the number of workers
   * @param smallBytes the bytes of all the pieces below half the target, which will be given
   */
  TaskGrouping(long target, int workers, long smallBytes) {
    this.target = target;
    this.tail = workers * target;
    this.smallLeft = smallBytes;
  }

  /** Adds the next piece of the plan. */
  void add(Piece p) {
    long len = p.length();
    if (len >= target / 2) {
      tasks.add(new Sized(List.of(p), len));
      return;
    }
    group.add(p);
    groupBytes += len;
    smallLeft -= len;
    if (groupBytes >= (smallLeft + groupBytes <= tail ? target / 4 : target)) {
      close();
    }
  }

  private void close() {
    tasks.add(new Sized(List.copyOf(group), groupBytes));
    group.clear();
    groupBytes = 0;
  }

  /** The tasks, largest first (in plan order among equals). */
  List<List<Piece>> largestFirst() {
    if (!group.isEmpty()) {
      close();
    }
    return tasks.stream().sorted((a, b) -> Long.compare(b.bytes, a.bytes)).map(Sized::task)
        .toList();
  }
}
