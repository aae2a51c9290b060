/**
 * Starmap's embedded PostgreSQL: one server per directory ({@code $STARMAP_HOME/pg}), shared by
 * every process that uses it, from zonky's binaries. The API is {@link io.starmap.embedded}. A
 * separate module so that a user who imports into a server of their own does not get the binaries
 * (tens of MB) with the importer; the command line and the tests use it.
 */
module io.starmap.embedded {
  requires io.starmap.core;
  requires org.apache.commons.compress;
  requires org.tukaani.xz;

  exports io.starmap.embedded;
}
