package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.RecordScanner;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

/**
 * The importer's quote-aware cut, without a database: for generated hostile CSV, the cut the
 * planner makes after any byte offset (scan to the offset, then to the next record end) is exactly
 * the first record boundary after it, and the pieces between cuts hold, together, the same records
 * as the whole file (read by an independent reference reader).
 */
class CsvSplitProperties {
  static final Dialect CSV = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");

  record Case(Csv.Doc doc, List<Double> cutsAt) {}

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(Csv.docs(40),
        Arbitraries.doubles().between(0, 1).list().ofMaxSize(8)).as(Case::new);
  }

  @Property(tries = 1000)
  void theReferenceReaderReadsWhatWasWritten(@ForAll("cases") Case c) {
    assertThat(Csv.parse(Csv.write(c.doc(), null))).isEqualTo(c.doc().values());
  }

  @Property(tries = 1000)
  void aCutIsTheFirstRecordBoundaryAfterItsOffset(@ForAll("cases") Case c) {
    byte[] b = Csv.write(c.doc(), null);
    List<Integer> bounds = Csv.boundaries(c.doc(), null);
    for (double f : c.cutsAt()) {
      int offset = (int) (f * b.length);
      int cut = cutAfter(b, offset);
      int expected = bounds.stream().filter(x -> x > offset).findFirst().orElse(-1);
      if (expected == b.length) {
        // the planner drops a cut at the very end: the range ends there anyway
        assertThat(cut).isIn(-1, b.length);
      } else {
        assertThat(cut).as("cut after offset %d of %d bytes", offset, b.length)
            .isEqualTo(expected);
      }
    }
  }

  @Property(tries = 1000)
  void thePiecesTogetherHoldTheRecordsOfTheWhole(@ForAll("cases") Case c) {
    byte[] b = Csv.write(c.doc(), null);
    List<Integer> cuts = new ArrayList<>();
    for (double f : c.cutsAt().stream().sorted().toList()) {
      int cut = cutAfter(b, (int) (f * b.length));
      if (cut > 0 && cut < b.length && (cuts.isEmpty() || cut > cuts.get(cuts.size() - 1))) {
        cuts.add(cut);
      }
    }
    List<List<String>> records = new ArrayList<>();
    int from = 0;
    cuts.add(b.length);
    for (int to : cuts) {
      byte[] piece = java.util.Arrays.copyOfRange(b, from, to);
      records.addAll(Csv.parse(piece));
      from = to;
    }
    assertThat(records).isEqualTo(c.doc().values());
  }

  @Property(tries = 500)
  void theScannerCountsTheRecords(@ForAll("cases") Case c) {
    byte[] b = Csv.write(c.doc(), null);
    RecordScanner sc = new RecordScanner(CSV);
    sc.scan(b, 0, b.length);
    sc.finish();
    assertThat(sc.records()).isEqualTo(c.doc().records().size());
    assertThat(sc.inQuote()).isFalse();
  }

  /** What Planner.split does at a target offset: scan up to it, then find the next record end. */
  static int cutAfter(byte[] b, int offset) {
    RecordScanner sc = new RecordScanner(CSV);
    sc.scan(b, 0, offset);
    return sc.nextRecordEnd(b, offset, b.length);
  }
}
