package io.starmap.importer.internal;

/** The line an import prints about its plan: files, pieces, tasks and bytes, in plain words. */
public final class PlanMessage {
  private PlanMessage() {}

  /**
   * The plan in one line, counts in the singular where there is one.
   *
   * @param plan the import's plan
   * @return for example {@code plan: 522 files, 522 pieces in 14 tasks of about 9 MB, ...}
   */
  public static String of(Planner.Plan plan) {
    boolean streamed = !plan.streamed().isEmpty();
    return "plan: " + count(plan.files(), "file") + ", " + (streamed ? "about " : "")
        + count(plan.pieces(), "piece") + " in " + count(plan.taskCount(), "task") + " of about "
        + (plan.targetBytes() >> 20) + " MB, " + count(plan.bytesPlanned(), "byte") + " to load"
        + (streamed ? "; " + count(plan.streamed().size(), "big file") + " cut while loading"
            : "")
        + (plan.piecesSkipped() > 0 ? "; " + count(plan.piecesSkipped(), "piece") + " ("
            + count(plan.rowsSkipped(), "row") + ") already loaded" : "");
  }

  /** {@code n} and the noun, plural unless n is 1. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
