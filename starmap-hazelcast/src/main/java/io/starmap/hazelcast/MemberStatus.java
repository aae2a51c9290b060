package io.starmap.hazelcast;

import java.io.Serializable;

/**
 * One cluster member as the master sees it.
 *
 * @param address the member's Hazelcast address, {@code host:port}
 * @param workerId the member's worker id, {@code host:pid}, as task records name it
 * @param version the Starmap version the member runs
 * @param state {@code ok}, or {@code refused: <reason>} for a member the master will not use
 * @param cores the member's processors
 * @param threads how many tasks the member runs at once
 * @param running tasks running now
 * @param completed tasks completed since the member started
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes the heap limit
 * @param uptimeMillis how long the member has run
 */
public record MemberStatus(
    String address,
    String workerId,
    String version,
    String state,
    int cores,
    int threads,
    int running,
    long completed,
    long heapUsedBytes,
    long heapMaxBytes,
    long uptimeMillis)
    implements Serializable {

  /**
   * Whether the master runs tasks on this member.
   *
   * @return true when {@code state} is {@code ok}; false for a refused member
   */
  public boolean usable() {
    return "ok".equals(state);
  }
}
