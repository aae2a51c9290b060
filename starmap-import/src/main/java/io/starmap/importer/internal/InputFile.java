package io.starmap.importer.internal;

import java.nio.file.Path;

/**
 * One input file.
 *
 * @param name the name shown in messages (the path as found from what the user gave)
 * @param path the absolute path
 * @param size bytes
 * @param compression how it is compressed (then it is read whole)
 */
public record InputFile(String name, Path path, long size, Compression compression) {

  /** Whether the file is compressed, and so read whole by one task. */
  public boolean compressed() {
    return compression.compressed();
  }
}
