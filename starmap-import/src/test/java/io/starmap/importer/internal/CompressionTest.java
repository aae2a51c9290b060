package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompressionTest {

  @Test
  void theSuffixDecidesInAnyCase() {
    assertThat(Compression.of("data/x.csv.gz")).isEqualTo(Compression.GZIP);
    assertThat(Compression.of("x.csv.zst")).isEqualTo(Compression.ZSTD);
    assertThat(Compression.of("X.CSV.ZST")).isEqualTo(Compression.ZSTD);
    assertThat(Compression.of("x.csv.bz2")).isEqualTo(Compression.BZIP2);
    assertThat(Compression.of("x.csv.Xz")).isEqualTo(Compression.XZ);
  }

  @Test
  void otherNamesAreReadAsTheyAre() {
    assertThat(Compression.of("x.csv")).isEqualTo(Compression.NONE);
    assertThat(Compression.of("x.gz.csv")).isEqualTo(Compression.NONE);
    assertThat(Compression.of("x.csv.zstd")).isEqualTo(Compression.NONE);
    assertThat(Compression.of("gz")).isEqualTo(Compression.NONE);
    assertThat(Compression.NONE.compressed()).isFalse();
    assertThat(Compression.ZSTD.compressed()).isTrue();
  }
}
