package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqlCommandIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static Cli.Result sql(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "sql";
    all[1] = "--db";
    all[2] = PG.database().url().psqlUrl();
    System.arraycopy(args, 0, all, 3, args.length);
    return Cli.run(all);
  }

  @Test
  void printsAnAlignedTable() {
    Cli.Result r = sql("select 41 + 1 as answer, 'x' as name");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        answer | name
        -------+-----
            42 | x
        (1 row)
        """);
  }

  @Test
  void printsCsvAndJson() {
    String q = "select n, n * 1.5 as half, null::text as nothing from generate_series(1, 2) n";
    assertThat(sql("--format", "csv", q).out()).isEqualTo("n,half,nothing\n1,1.5,\n2,3.0,\n");
    assertThat(sql("--format", "json", q).out()).isEqualTo("""
        [
          {"n": 1, "half": 1.5, "nothing": null},
          {"n": 2, "half": 3.0, "nothing": null}
        ]
        """);
  }

  @Test
  void printsXml() throws Exception {
    Cli.Result r = sql("--format", "xml", "select n, n * 1.5 as half, null::text as nothing,"
        + " chr(1) || '<&>' as \"odd name\" from generate_series(1, 2) n");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        <?xml version="1.0" encoding="UTF-8"?>
        <view name="sql">
          <row>
            <col name="n" type="int64">1</col>
            <col name="half" type="decimal">1.5</col>
            <col name="nothing" type="null"/>
            <col name="odd name" type="string" escaped="true">\\u0001&lt;&amp;&gt;</col>
          </row>
          <row>
            <col name="n" type="int64">2</col>
            <col name="half" type="decimal">3.0</col>
            <col name="nothing" type="null"/>
            <col name="odd name" type="string" escaped="true">\\u0001&lt;&amp;&gt;</col>
          </row>
        </view>
        """);
    XmlFormatTest.parse(r.out());
  }

  @Test
  void ddlAndDmlPrintWhatChanged() {
    String t = "t" + System.nanoTime();
    assertThat(sql("create table " + t + " (x int)").out()).isEqualTo("OK\n");
    assertThat(sql("insert into " + t + " select generate_series(1, 3)").out())
        .isEqualTo("3 rows changed\n");
    assertThat(sql("update " + t + " set x = 0 where x = 1; select count(*) as n from " + t)
        .out()).isEqualTo("1 row changed\nn\n-\n3\n(1 row)\n");
  }

  @Test
  void sqlErrorsAreOneLineWithExit1() {
    Cli.Result r = sql("select * from no_such_table");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("starmap: SQL failed: ERROR: relation \"no_such_table\"");
  }
}
