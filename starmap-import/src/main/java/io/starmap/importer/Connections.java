package io.starmap.importer;

/** How the workers of one import reach the database. */
public enum Connections {
  /** Each concurrently running task has its own connection, kept across that worker's tasks. */
  PER_WORKER,
  /** All tasks of a process share one connection: their COPYs are serialised on it. */
  SHARED
}
