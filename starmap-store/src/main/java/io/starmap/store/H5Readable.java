package io.starmap.store;

/**
 * Builds an object back from the group an {@link H5Writable} wrote: the analog of OpenQuake's
 * {@code __fromh5__}. Typically a method reference to a static {@code readFrom(H5Group)}.
 *
 * @param <T> the type read
 */
@FunctionalInterface
public interface H5Readable<T> {
  /**
   * The object stored in {@code group}.
   *
   * @param group the group the object's {@link H5Writable#writeTo} wrote
   * @return the object rebuilt from the group
   */
  T readFrom(H5Group group);
}
