package io.starmap.store;

/**
 * An object that stores itself in a calculation's HDF5 datastore as datasets and attributes of a
 * group: the analog of OpenQuake's {@code __toh5__}. Its counterpart is an {@link H5Readable},
 * usually a static {@code readFrom(H5Group)} method of the same class.
 *
 * <pre>{@code
 * calc.put("results/summary", summaryTable);                  // writes it under results/summary
 * SummaryTable back = Datastore.open(path).read("results/summary", SummaryTable::readFrom);
 * }</pre>
 */
@FunctionalInterface
public interface H5Writable {
  /**
   * Writes this object's datasets and attributes into {@code group}.
   *
   * @param group an empty group, named after the key the object is stored under
   */
  void writeTo(H5Group group);
}
