package io.starmap.importer.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The tasks of a plan in the order they are submitted: the eager tasks, then one task per piece
 * of each big file as its scan finds them, then one per piece of standard input as it is read. It ends early once its run stops (no task is
 * submitted after the first failure), and keeps every task it gave out by number, for the
 * consumer to find a result's task.
 */
public final class TaskSource implements Iterable<CopyTask> {
  private final Planner.Plan plan;
  private final RunState run;
  private final Function<List<Piece>, CopyTask> toTask;
  private final Iterator<Piece> stdin;
  private final List<CopyTask> given = Collections.synchronizedList(new ArrayList<>());

  /**
   * The tasks of {@code plan}.
   *
   * @param run the run, whose {@link RunState#stopping} ends the source
   * @param toTask makes a task of pieces
   */
  public TaskSource(Planner.Plan plan, RunState run, Function<List<Piece>, CopyTask> toTask) {
    this(plan, run, toTask, null);
  }

  /**
   * The tasks of {@code plan}, then those of {@code stdin}'s pieces.
   *
   * @param run the run, whose {@link RunState#stopping} ends the source
   * @param toTask makes a task of pieces
   * @param stdin the pieces of standard input as they are cut, or null
   */
  public TaskSource(Planner.Plan plan, RunState run, Function<List<Piece>, CopyTask> toTask,
      Iterator<Piece> stdin) {
    this.plan = plan;
    this.run = run;
    this.toTask = toTask;
    this.stdin = stdin == null ? Collections.emptyIterator() : stdin;
  }

  /** How many tasks it has given out so far. */
  public int given() {
    return given.size();
  }

  /** The task numbered {@code taskNo} (0-based, in submission order). */
  public CopyTask task(long taskNo) {
    return given.get((int) taskNo);
  }

  @Override
  public Iterator<CopyTask> iterator() {
    return new Iterator<>() {
      final Iterator<List<Piece>> eager = plan.tasks().iterator();
      final Iterator<Planner.StreamedSplit> splits = plan.streamed().iterator();
      Iterator<Piece> split = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        if (run.stopping()) {
          return false;
        }
        if (eager.hasNext()) {
          return true;
        }
        while (!split.hasNext()) {
          if (!splits.hasNext()) {
            split = stdin;
            return stdin.hasNext();
          }
          split = splits.next();
        }
        return true;
      }

      @Override
      public CopyTask next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more import tasks");
        }
        CopyTask t = toTask.apply(eager.hasNext() ? eager.next() : List.of(split.next()));
        given.add(t);
        return t;
      }
    };
  }
}
