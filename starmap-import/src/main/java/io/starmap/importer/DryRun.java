package io.starmap.importer;

import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.Planner;
import io.starmap.importer.internal.SampleRows;
import io.starmap.importer.internal.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/** The {@link ImportPlan} of a dry run, from what its prepare and plan stages found. */
final class DryRun {
  private DryRun() {}

  /** What the stages of a dry run found. */
  record Stages(ImportOptions o, Dialect dialect, Charset charset, ImportRun.Prepared p,
      Planner.Plan plan, String createStatement, long rowsTruncated, List<String> messages) {}

  static ImportPlan plan(Stages s) {
    ImportRun.Prepared p = s.p();
    Dialect d = s.dialect();
    SampleRows.Sample sample;
    try {
      sample = SampleRows.read(p.files(), new SampleRows.Settings(d, s.charset(), p.header(),
          p.fields(), p.columns(), p.tableName()), ImportPlan.SAMPLE_ROWS);
    } catch (IOException e) {
      throw new ImportException("cannot read the input: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ImportException(e.getMessage(), e);
    }
    Planner.Plan plan = s.plan();
    return new ImportPlan(p.tableName(), s.createStatement(), p.columns().stream()
        .map(c -> Sql.ident(c.name()) + " " + c.type()).toList(), s.o().truncate(),
        s.rowsTruncated(), (char) d.delimiter(), (char) d.quote(), (char) d.escape(),
        d.nullString(), d.encoding(), p.header(), sample.columns(), plan.files(), plan.pieces(),
        plan.taskCount(), plan.bytesPlanned(), plan.piecesSkipped(), plan.rowsSkipped(),
        sample.rows(), s.messages());
  }

  /** A listener that keeps what a dry run tells, and passes it on. */
  static final class Messages implements ImportListener {
    private final ImportListener inner;
    private final List<String> told = new ArrayList<>();

    Messages(ImportListener inner) {
      this.inner = inner;
    }

    @Override
    public void onProgress(ImportProgress p) {
      inner.onProgress(p);
    }

    @Override
    public void onMessage(String m) {
      told.add(m);
      inner.onMessage(m);
    }

    List<String> told() {
      return List.copyOf(told);
    }
  }
}
