package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --create auto}, {@code --type} and the sniffed dialect, as the command line shows them. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImportInferCommandIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path data;
  @TempDir Path home;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  private static Cli.Result importing(String... args) {
    return Cli.importInto(PG, args);
  }

  @Test
  void createAutoPrintsTheDialectAndTheTableItCreatesAndLogsThemInTheCalculation()
      throws IOException {
    Files.writeString(data.resolve("p.csv"), "code|day|price\n000001|2024-01-02|20.95\n"
        + "000002|2024-01-03|1.5\n");
    Cli.Result r = importing(data.toString(), "--table", "auto_prices", "--create", "auto",
        "--type", "price=numeric(12,2)", "--format", "csv");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("starmap: dialect: delimiter '|', quote '\"' (sniffed from 1"
        + " file, 3 records: 3 fields in every record)\n")
        .contains("starmap: header: yes (the first record of ")
        .contains("starmap: created table public.auto_prices (\"code\" text, \"day\" date,"
            + " \"price\" numeric(12,2)), inferred from 2 records of 1 file\n");
    assertThat(r.out()).contains(",public.auto_prices,1,1,2,0,0,");
    Cli.Result log = Cli.run("show", "log", "last");
    assertThat(log.out()).as(log.err()).contains("created table public.auto_prices");
    assertThat(log.out()).containsOnlyOnce("created table public.auto_prices");
  }

  @Test
  void aValueTheSampleMissedFailsWithTheOptionsThatGiveTheType() throws IOException {
    // of ten files the sample reads eight: the first, the last and six spread between;
    // the fifth is not among them
    for (int i = 0; i < 10; i++) {
      Files.writeString(data.resolve("f" + i + ".csv"), "id,value\n" + i + "," + (i == 4 ? "2.5"
          : String.valueOf(i)) + "\n");
    }
    Cli.Result r = importing(data.toString(), "--table", "missed", "--create", "auto");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("starmap: " + data.resolve("f4.csv") + ":2: invalid input"
        + " syntax for type integer: \"2.5\" (column value); the column's type, integer, was"
        + " inferred from a sample of the input")
        .endsWith(" (when the table is created again: --type value=numeric with --create auto,"
            + " or --create \"col type, ...\")\n");
  }

  @Test
  void badValuesOfTheNewOptionsAreOneLineNamingOptionAndValue() throws IOException {
    Files.writeString(data.resolve("x.csv"), "a,b\n1,2\n");
    Cli.Result noCreate = importing(data.toString(), "--table", "t1", "--type", "a=int");
    assertThat(noCreate.code()).isEqualTo(2);
    assertThat(noCreate.err()).contains("--type a=... needs --create auto");
    Cli.Result delimiter = importing(data.toString(), "--table", "t1", "--delimiter", "ab");
    assertThat(delimiter.code()).isEqualTo(2);
    assertThat(delimiter.err()).contains("--delimiter must be one character, tab or auto, got"
        + " 'ab'");
    Cli.Result quote = importing(data.toString(), "--table", "t1", "--quote", "xy");
    assertThat(quote.code()).isEqualTo(2);
    assertThat(quote.err()).contains("--quote must be one character or auto, got 'xy'");
    Cli.Result type = importing(data.toString(), "--table", "t1", "--create", "auto",
        "--type", "a=");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err()).contains("bad type '' for column a");
    Cli.Result unknown = importing(data.toString(), "--table", "t1", "--create", "auto",
        "--type", "c=int");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("a type is given for column c, which the input does not"
        + " have (columns: a, b)");
    Cli.Result quoteDelimiter = importing(data.toString(), "--table", "t1", "--delimiter", "\"");
    assertThat(quoteDelimiter.code()).isEqualTo(2);
    assertThat(quoteDelimiter.err()).contains("delimiter and quote must differ: the delimiter is"
        + " '\"', the usual quote; give the quote as well");
    Files.writeString(data.resolve("x.csv"), "");
    Cli.Result empty = importing(data.toString(), "--table", "t2", "--create", "auto");
    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.err()).contains("cannot infer the table's columns: the input is empty");
  }
}
