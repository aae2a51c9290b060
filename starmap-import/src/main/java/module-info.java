/**
 * {@code starmap import}: CSV files into PostgreSQL with parallel COPY, exactly once, recorded as a
 * calculation. The API is {@link io.starmap.importer}; {@link io.starmap.importer.db} reaches the
 * server (any server by URL: the embedded PostgreSQL is the module {@code io.starmap.embedded},
 * which the importer does not need); {@link io.starmap.importer.gen} writes test data.
 */
module io.starmap.importer {
  requires transitive io.starmap.core;
  requires transitive io.starmap.store;
  requires org.postgresql.jdbc;
  requires com.github.luben.zstd_jni;
  requires org.apache.commons.compress;
  requires org.tukaani.xz;

  exports io.starmap.importer;
  exports io.starmap.importer.db;
  exports io.starmap.importer.gen;
}
