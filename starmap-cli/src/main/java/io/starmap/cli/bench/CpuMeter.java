package io.starmap.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CPU time a case costs the client and the server, from Linux's {@code /proc}, in clock
 * ticks. Wall times alone hide what each side pays: a case can be as fast as another while
 * burning twice the CPU.
 *
 * <p>Client: the kernel adds a reaped child's CPU, and that of the descendants it reaped in turn
 * (sh reaps cat and psql), to its parent's {@code cutime} and {@code cstime}. The benchmark waits
 * for every process a case starts, so the growth of this JVM's reaped-children CPU over a run is
 * exactly the CPU of that run's processes, however short-lived, without sampling them; the psql
 * statements of the benchmark itself (reset, count) run outside that window.
 *
 * <p>Server: what the postmaster's tree has ever used only grows: the postmaster's own CPU and
 * its reaped children's (exited backends), plus each live child's own and reaped CPU. The
 * postmaster is found through its checkpointer, whose pid the server gives ({@code
 * pg_stat_activity}) and which lives as long as the server; a backend's pid would not do, since
 * the backend of the psql that asks exits with it. The postmaster's start time must match the
 * server's own, else the pid is another machine's or another namespace's (a remote server, a
 * container) and the server's CPU is not measured.
 */
final class CpuMeter {
  /** Linux's USER_HZ, the unit of {@code /proc/PID/stat} times ({@code getconf CLK_TCK}). */
  static final double TICKS_PER_SECOND = 100;
  /** How far the postmaster's start in /proc may be from the server's start time, seconds. */
  private static final double START_TOLERANCE = 5;
  private static final Path PROC = Path.of("/proc");

  /**
   * The fields of one {@code /proc/PID/stat} line that the meter uses; times in clock ticks.
   *
   * @param pid the process
   * @param ppid its parent
   * @param utime its user time
   * @param stime its system time
   * @param cutime the user time of the children it reaped (and of theirs)
   * @param cstime the system time of the children it reaped (and of theirs)
   * @param start when it started, ticks after boot
   */
  record Stat(long pid, long ppid, long utime, long stime, long cutime, long cstime,
      long start) {
    /** Its own CPU and its reaped children's. */
    long total() {
      return utime + stime + reaped();
    }

    /** The CPU of the children it reaped. */
    long reaped() {
      return cutime + cstime;
    }
  }

  /** Both sides' CPU at one moment, in ticks; null where unknown. */
  record Sample(Long client, Long server) {}

  private final Long postmaster;
  private final String status;

  private CpuMeter(Long postmaster, String status) {
    this.postmaster = postmaster;
    this.status = status;
  }

  /** A meter of this JVM's children and, if it is a local process, of {@code psql}'s server. */
  static CpuMeter of(Psql psql) {
    String answer;
    try {
      answer = psql.value("SELECT pid || '|' || extract(epoch FROM pg_postmaster_start_time()) "
          + "FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
    } catch (BenchException e) {
      return notMeasured("the server did not give its checkpointer's pid: " + e.getMessage());
    }
    String[] f = answer.strip().split("\\|");
    if (f.length != 2) {
      // pg_stat_activity shows the server's own processes only to roles that may read all of it
      return notMeasured("the server showed no checkpointer ('" + answer + "'): the role needs"
          + " pg_read_all_stats, or to be a superuser, to see the server's processes");
    }
    try {
      long pid = Long.parseLong(f[0]);
      Stat pm = read(read(pid).ppid());
      double started = bootTime() + pm.start() / TICKS_PER_SECOND;
      if (Math.abs(started - Double.parseDouble(f[1])) > START_TOLERANCE) {
        return notMeasured("the server is not a local process (the parent of local process "
            + pid + ", its checkpointer's pid, started at another time than the server)");
      }
      return new CpuMeter(pm.pid(), "yes (postmaster pid " + pm.pid() + ")");
    } catch (NoSuchFileException e) {
      return notMeasured("the server is not a local process (no " + e.getFile() + ")");
    } catch (IOException | IllegalArgumentException e) {
      return notMeasured("the server's processes cannot be read (" + e.getMessage() + ")");
    }
  }

  private static CpuMeter notMeasured(String why) {
    return new CpuMeter(null, "no, " + why);
  }

  /** {@code yes (postmaster pid N)}, or {@code no,} and why the server's CPU is not measured. */
  String status() {
    return status;
  }

  /** The CPU used so far by this JVM's reaped children and by the server's processes. */
  Sample sample() {
    return new Sample(clientTicks(), postmaster == null ? null : serverTicks(postmaster));
  }

  /** The seconds between two readings of the same side, or null if either is unknown. */
  static Double seconds(Long before, Long after) {
    return before == null || after == null ? null : (after - before) / TICKS_PER_SECOND;
  }

  /** The CPU of this JVM's reaped children, or null off Linux. */
  private static Long clientTicks() {
    try {
      return parse(Files.readString(PROC.resolve("self/stat"))).reaped();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The CPU of the postmaster's tree, or null if it is gone. A child reaped between the reads of
   * the postmaster and of its children would be counted twice or not at all, and one exiting
   * while it is read cannot be read ("No such process"), so the reads are taken again until every
   * child was read and the postmaster's reaped CPU stayed the same across them; after ten tries
   * (a server busy opening and closing connections may never hold still) it is unknown.
   */
  private static Long serverTicks(long pm) {
    try {
      for (int attempt = 0; attempt < 10; attempt++) {
        Stat first = read(pm);
        List<Stat> children = new ArrayList<>();
        boolean missed = false;
        String list = Files.readString(PROC.resolve(pm + "/task/" + pm + "/children")).strip();
        for (String child : list.isEmpty() ? new String[0] : list.split("\\s+")) {
          try {
            Stat c = read(Long.parseLong(child));
            if (c.ppid() == pm) {
              children.add(c);
            } else {
              missed = true; // reaped, and its pid taken, since the list was read
            }
          } catch (IOException | IllegalArgumentException e) {
            missed = true; // exiting while read, or reaped since the list was read
          }
        }
        Stat last = read(pm);
        if (!missed && last.reaped() == first.reaped()) {
          return treeTicks(last, children);
        }
      }
      return null; // never still: unknown, rather than a child counted twice or not at all
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The CPU of a process and of its live {@code children}: what the tree has ever used. */
  static long treeTicks(Stat parent, List<Stat> children) {
    long sum = parent.total();
    for (Stat c : children) {
      if (c.ppid() != parent.pid()) {
        throw new IllegalArgumentException("process " + c.pid() + " is a child of " + c.ppid()
            + ", not of " + parent.pid());
      }
      sum += c.total();
    }
    return sum;
  }

  /**
   * Parses a {@code /proc/PID/stat} line. The command name, in parentheses, may hold spaces and
   * parentheses, so the fields are counted from the last {@code )}: state is field 3, the parent
   * field 4, utime to cstime fields 14 to 17 and the start time field 22.
   */
  static Stat parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + shorten(line));
    }
    String[] f = line.substring(close + 1).strip().split(" ");
    if (f.length < 20) {
      throw new IllegalArgumentException("a /proc/PID/stat line of " + (f.length + 2)
          + " fields, not at least 22: " + shorten(line));
    }
    try {
      // f[0] is field 3 (the state): field n is f[n - 3]
      return new Stat(Long.parseLong(line.substring(0, open).strip()), Long.parseLong(f[1]),
          Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
          Long.parseLong(f[14]), Long.parseLong(f[19]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + shorten(line), e);
    }
  }

  private static Stat read(long pid) throws IOException {
    return parse(Files.readString(PROC.resolve(pid + "/stat")));
  }

  /** When the machine booted, seconds since 1970 ({@code btime} of /proc/stat). */
  private static long bootTime() throws IOException {
    for (String line : Files.readAllLines(PROC.resolve("stat"))) {
      if (line.startsWith("btime ")) {
        return Long.parseLong(line.substring(6).strip());
      }
    }
    throw new IOException("no btime in /proc/stat");
  }

  private static String shorten(String line) {
    String s = line.strip();
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** Seconds as the log shows them. */
  static String format(Double seconds) {
    return seconds == null ? "unknown" : String.format(Locale.ROOT, "%.2f s", seconds);
  }
}
