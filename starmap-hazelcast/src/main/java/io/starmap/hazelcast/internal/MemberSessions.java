package io.starmap.hazelcast.internal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A member's open sessions, each with the counters it has accepted. A call is accepted once:
 * its counter is remembered in a window of the last {@link #WINDOW} counters, and anything older
 * than the window is refused, so that a captured call is refused whatever its age. A session
 * forgotten (the oldest, beyond {@link #MAX_SESSIONS}) refuses everything, and its keys are gone
 * for good: a new handshake makes new ones.
 */
final class MemberSessions {
  /** Counters remembered per session: far more than the calls a master has in flight. */
  static final int WINDOW = 1 << 16;
  /** Sessions kept: a master opens one per member and connection. */
  static final int MAX_SESSIONS = 256;

  private final Map<String, Window> sessions = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  /** One session's keys and seen counters. */
  static final class Window {
    final Handshake.Session session;
    private final BitSet seen = new BitSet(WINDOW);
    private long highest;

    Window(Handshake.Session session) {
      this.session = session;
    }

    /** Whether {@code counter} is new; it is then seen. Counters start at 1. */
    synchronized boolean accept(long counter) {
      if (counter <= 0 || counter <= highest - WINDOW) {
        return false;
      }
      if (counter > highest) {
        if (counter - highest >= WINDOW) {
          seen.clear();
        } else {
          for (long c = highest + 1; c <= counter; c++) {
            seen.clear((int) (c % WINDOW));
          }
        }
        highest = counter;
      } else if (seen.get((int) (counter % WINDOW))) {
        return false;
      }
      seen.set((int) (counter % WINDOW));
      return true;
    }
  }

  synchronized void open(Handshake.Session session) {
    sessions.put(session.id(), new Window(session));
  }

  /** The session {@code id}, or null. */
  synchronized Window get(String id) {
    return sessions.get(id);
  }
}
