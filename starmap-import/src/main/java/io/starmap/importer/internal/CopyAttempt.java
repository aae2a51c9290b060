package io.starmap.importer.internal;

import io.starmap.core.TaskContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The COPY task's attempts: loads a task's pieces in one transaction ({@link TaskLoad}), again as
 * text when binary COPY cannot take the input, again with exact ledger rows when a piece's ledger
 * key was taken, and again without the pieces that were loaded already (never twice).
 */
public final class CopyAttempt {
  private CopyAttempt() {}

  /** Whether binary COPY can encode a column of this type. */
  public static boolean binarySupported(String type) {
    return BinaryRows.supported(type);
  }

  /** The task function: runs wherever the executor puts it, with its run's state there. */
  static TaskResult run(CopyTask task, TaskContext<CopyTask> ctx, RunState run)
      throws Exception {
    if (run.stopping()) {
      return TaskResult.NOT_STARTED;
    }
    ConnectionPool pool = run.pool(task.target(), task.connections());
    Connection c;
    try (var m = ctx.measure("connect")) {
      c = pool.borrow();
    }
    boolean reusable = false;
    try {
      TaskResult r = attempts(task, ctx, c, pool, run.pendingHashes());
      reusable = true;
      return r;
    } finally {
      if (!reusable) {
        reusable = rollbackQuietly(c);
      }
      pool.release(c, reusable);
    }
  }

  /**
   * Loads until an attempt commits. A piece whose ledger key is already taken (the same content
   * in another file, or loaded by a concurrent run) is dropped and the task redone without it:
   * never loaded twice.
   */
  private static TaskResult attempts(CopyTask task, TaskContext<CopyTask> ctx, Connection c,
      ConnectionPool pool, PendingHashes pending) throws Exception {
    List<Piece> pieces = task.pieces();
    int skippedPieces = 0;
    long skippedRows = 0;
    boolean binary = task.binary() && pool.binaryWorthTrying();
    boolean exactLedger = false;
    while (true) {
      TaskLoad load = new TaskLoad(task, ctx, c, pieces, pending);
      load.binary = binary;
      load.exactLedger = exactLedger;
      TaskResult r;
      try {
        r = load.load();
      } catch (BinaryFallback f) {
        // binary COPY could not take this input: the server parses it as CSV instead, and
        // reports any error in it with its own words and line numbers
        c.rollback();
        ctx.count("binary fallback", 1);
        ctx.count("binary fallback: " + f.reason(), 1);
        pool.binaryFellBack();
        binary = false;
        continue;
      } catch (Exception e) {
        load.cancelCopy();
        throw e;
      } finally {
        load.release();
      }
      if (load.duplicates == null) {
        // a ledger key was taken: redo the task writing its ledger rows one by one, which
        // tells which pieces to drop
        c.rollback();
        ctx.count("ledger recheck", 1);
        exactLedger = true;
        continue;
      }
      if (load.duplicates.isEmpty()) {
        return new TaskResult(r.pieces(), r.bytes(), r.rowsRead(), r.rowsLoaded(), r.rejects(),
            skippedPieces, skippedRows);
      }
      c.rollback();
      List<Piece> keep = new ArrayList<>();
      for (int i = 0; i < pieces.size(); i++) {
        if (load.duplicates.contains(i)) {
          skippedPieces++;
          skippedRows += load.entries.get(i).rowsRead();
        } else {
          keep.add(pieces.get(i));
        }
      }
      pieces = keep;
    }
  }

  private static boolean rollbackQuietly(Connection c) {
    try {
      c.rollback();
      return !c.isClosed();
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }
}
