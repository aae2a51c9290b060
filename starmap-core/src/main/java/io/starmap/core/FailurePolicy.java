package io.starmap.core;

/** What a run does when a task fails. */
public enum FailurePolicy {
  /**
   * The default: the first failure stops the run. Outstanding tasks are cancelled, running ones
   * interrupted, and the consumer gets a {@link TaskFailedException}.
   */
  FAIL_FAST,
  /** Failures are returned as failed {@link Outcome}s and the run goes on. */
  COLLECT_ALL
}
