/**
 * The calculation store: every run recorded in an SQLite database under {@code STARMAP_HOME} and
 * one HDF5 file per calculation, with the views and the HTML report that read them. The API is
 * {@link io.starmap.store}.
 */
module io.starmap.store {
  requires transitive io.starmap.core;
  requires transitive java.sql;
  requires org.xerial.sqlitejdbc;
  requires io.jhdf;
  requires java.xml; // StAX, to read the XML of results back
  // jhdf is an automatic module, whose own dependencies the module system cannot see: these are
  // the ones it needs to write and read the store's files.
  requires org.slf4j;
  requires org.apache.commons.lang3;

  exports io.starmap.store;
}
