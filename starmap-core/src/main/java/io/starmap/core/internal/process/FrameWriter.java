package io.starmap.core.internal.process;

import io.starmap.core.spi.Codec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Writes the frames queued for the workers to their sockets, outside the pool's lock (socket
 * writes are system calls: the pool's lock is never held across them). A worker's frames are
 * written under its {@link Worker#writeLock}, which is never held while taking the pool's lock.
 * A task's function and the allow-list go along with its first task that needs them.
 */
final class FrameWriter {
  /** A frame other than a task: CANCEL, REVOKE seq, STOP, FORGET definition. */
  record Control(byte type, long arg) {}

  private final Codec codec;
  private final DefinitionCache definitions;

  FrameWriter(Codec codec, DefinitionCache definitions) {
    this.codec = codec;
    this.definitions = definitions;
  }

  /** {@link #flush} of every worker with frames waiting. */
  void flushAll(List<Worker> workers) {
    for (Worker w : workers) {
      if (!w.toSend.isEmpty()) {
        flush(w);
      }
    }
  }

  /**
   * Writes the frames queued for {@code w}. Whoever holds the worker's write lock writes the
   * frames queued meanwhile; the re-check after unlocking makes sure none is left behind.
   */
  void flush(Worker w) {
    while (!w.toSend.isEmpty() && w.out != null) {
      if (!w.writeLock.tryLock()) {
        return;
      }
      try {
        DataOutputStream out = w.out;
        Object frame;
        while ((frame = w.toSend.poll()) != null) {
          write(w, out, frame);
        }
        out.flush();
      } catch (IOException e) {
        // The worker is dying: its exit hands its tasks back or reports the one it ran as lost.
        w.toSend.clear();
        Process p = w.process;
        if (p != null) {
          p.destroyForcibly();
        }
        return;
      } finally {
        w.writeLock.unlock();
      }
    }
  }

  private void write(Worker w, DataOutputStream out, Object frame) throws IOException {
    if (frame instanceof Control c) {
      if (c.type() == Wire.FORGET) {
        if (w.defined.remove(c.arg())) {
          out.writeByte(Wire.FORGET);
          out.writeLong(c.arg());
        }
        return;
      }
      out.writeByte(c.type());
      if (c.type() == Wire.REVOKE) {
        out.writeLong(c.arg());
      }
      return;
    }
    Outgoing t = (Outgoing) frame;
    int version = definitions.allowVersion();
    if (w.allowVersionSent < version && codec instanceof JavaSerializationCodec java) {
      List<String> rules = java.rules();
      out.writeByte(Wire.ALLOW);
      out.writeInt(rules.size());
      for (String rule : rules) {
        out.writeUTF(rule);
      }
      w.allowVersionSent = version;
    }
    DefinitionCache.Definition d = t.definition;
    if (w.defined.add(d.id())) {
      out.writeByte(Wire.DEFINE);
      out.writeLong(d.id());
      out.writeUTF(d.runId());
      out.writeUTF(d.taskName());
      Wire.writeBytes(out, d.bytes());
    }
    out.writeByte(Wire.TASK);
    out.writeLong(t.seq);
    out.writeLong(d.id());
    out.writeLong(t.taskNo);
    out.writeDouble(t.weight);
    Wire.writeBytes(out, t.args);
  }
}
