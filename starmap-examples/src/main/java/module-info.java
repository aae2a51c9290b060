/**
 * The examples, as a named module: they run on the module path as well as on the class path (the
 * tests run both), which checks that Starmap's module descriptors export what a user needs. The
 * {@code cluster} executor is found at run time: the module system binds {@code
 * io.starmap.hazelcast} as a provider of the executor service that core uses.
 */
module io.starmap.examples {
  requires io.starmap.store;
}
