package io.starmap.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch script of a Slurm launch: on the job's first node it writes the members' addresses
 * to the shared directory, then runs one step ({@code srun}) whose tasks are the members, each
 * {@code starmap worker} on its node's address and the port {@code first + SLURM_LOCALID}. It
 * holds no secret: the members read it from the shared directory's owner-only file.
 *
 * @param sharedDir the directory every node sees (the script, the secret, the logs)
 * @param port the first member's port on each node
 * @param java the member's {@code java} command, then its JVM options, class path and main class
 * @param workerArgs the arguments of {@code starmap worker} besides bind, port, join and secret
 */
record SlurmScript(Path sharedDir, int port, List<String> java, List<String> workerArgs) {
  static final String NAME = "slurm-job.sh";
  static final String JOIN = "slurm-join";

  String text() {
    List<String> member = new ArrayList<>(java);
    member.addAll(workerArgs);
    String cmd = String.join(" ", member.stream().map(SlurmScript::quote).toList());
    return """
        #!/bin/bash
        # The members of a Starmap cluster, written by 'starmap workers start' for Slurm.
        # No secret here: the members read it from $dir/secret, readable by its owner only.
        set -eu
        dir=%1$s
        port=%2$d
        # the address of a node, as the other nodes reach it
        addr() { getent ahostsv4 "$1" | awk 'NR == 1 { print $1 }'; }
        if [[ ${1:-} != member ]]; then
          umask 077
          # every node's ports from the first to the most members a node runs: each member
          # joins the others through this list, and the master finds them through it
          per=$(echo "$SLURM_TASKS_PER_NODE" | tr ',' '\\n' | sed 's/(.*//' | sort -n | tail -1)
          for h in $(scontrol show hostnames "$SLURM_JOB_NODELIST"); do
            a=$(addr "$h")
            for ((i = 0; i < per; i++)); do echo "$a:$((port + i))"; done
          done | paste -sd, - >"$dir/%3$s.tmp"
          mv "$dir/%3$s.tmp" "$dir/%3$s"
          exec srun --kill-on-bad-exit=0 /bin/bash "$dir/%4$s" member
        fi
        p=$((port + SLURM_LOCALID))
        exec %5$s --bind "$(addr "$SLURMD_NODENAME")" --port "$p" \\
          --join "$(cat "$dir/%3$s")" --secret-file "$dir/secret" \\
          >>"$dir/member-$SLURM_JOB_ID-$SLURMD_NODENAME-$p.log" 2>&1 </dev/null
        """.formatted(quote(sharedDir.toString()), port, JOIN, NAME, cmd);
  }

  /** {@code s} as one word of bash, whatever it holds. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
