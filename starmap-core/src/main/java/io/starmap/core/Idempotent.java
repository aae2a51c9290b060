package io.starmap.core;

/**
 * A marker for tasks that may safely run more than once on the same argument: running a task
 * twice has the same effect as running it once (for example an import task that records each
 * piece in a ledger and skips a piece already recorded).
 *
 * <p>Executors that lose a worker in the middle of a task (a cluster member that leaves, a worker
 * process that dies) run an idempotent task once more on another worker; any other task fails
 * with a {@link WorkerLostException}, because it may have had effects that must not happen twice.
 *
 * <pre>{@code
 * final class CopyPiece implements Task<Piece, Long>, Idempotent { ... }
 * // or, for a lambda, with an intersection cast:
 * Task<Piece, Long> task = (Task<Piece, Long> & Idempotent) (piece, ctx) -> copy(piece);
 * }</pre>
 */
public interface Idempotent {}
