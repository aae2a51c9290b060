package io.starmap.importer.internal;

import java.nio.file.Path;

/**
 * One input file.
 *
 * @param name the name shown in messages (the path as found from what the user gave)
 * @param path the absolute path
 * @param size bytes
 * @param gzip whether it is gzip-compressed ({@code .gz})
 */
public record InputFile(String name, Path path, long size, boolean gzip) {}
