#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the tests of 'starmap workers start --launcher
# slurm' and for trying it out: Debian's slurm-wlm and munge, started as root without systemd.
#
#   bin/lib/slurm-local.sh start    writes /etc/slurm/slurm.conf for this host (hostname -s, nproc,
#                                   memory), creates the munge key if missing, starts munged,
#                                   slurmctld and slurmd, waits until sinfo shows the node idle
#   bin/lib/slurm-local.sh stop     stops the three daemons
#   bin/lib/slurm-local.sh status   exits 0 when the node answers, else 1
#
# Idempotent: 'start' on a running cluster whose node answers does nothing. Needs root (the
# daemons' state lives under /etc, /var and /run) and the packages slurm-wlm and munge.
set -euo pipefail

conf=/etc/slurm/slurm.conf
logs=/var/log/slurm
host=$(hostname -s)

die() { echo "slurm-local.sh: $*" >&2; exit 1; }

node_ready() {
  # idle, mixed or allocated: the node answers and takes jobs
  local state
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1) || return 1
  [[ $state == idle || $state == mixed || $state == allocated ]]
}

# the pids of the processes named $1 (from /proc: a fresh machine may have no procps)
pids_of() {
  local f
  for f in /proc/[0-9]*/comm; do
    [[ $(cat "$f" 2>/dev/null) == "$1" ]] && { f=${f#/proc/}; echo "${f%/comm}"; }
  done
  return 0
}

running() { [[ -n $(pids_of "$1") ]]; }

write_conf() {
  local cpus mem
  cpus=$(nproc)
  # 90% of the memory, in MB: a node that claims more than it has is drained by slurmctld
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd "$logs"
  local tmp=$conf.tmp
  cat >"$tmp" <<EOF
# written by bin/lib/slurm-local.sh: one node, one partition, no accounting, no cgroups
ClusterName=starmap
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# a cancelled job's steps get SIGTERM, then SIGKILL this many seconds later
KillWait=10
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  if [[ -f $conf ]] && cmp -s "$tmp" "$conf"; then
    rm -f "$tmp"
    return 1 # unchanged
  fi
  mv "$tmp" "$conf"
}

start_munge() {
  if [[ ! -s /etc/munge/munge.key ]]; then
    mkdir -p /etc/munge
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 600 /etc/munge/munge.key
  fi
  if ! running munged; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    runuser -u munge -- /usr/sbin/munged
  fi
  local i
  for i in $(seq 50); do
    munge -n </dev/null >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "munged does not answer (see /var/log/munge/munged.log)"
}

start() {
  (( $(id -u) == 0 )) || die "must run as root (it starts the Slurm daemons)"
  command -v slurmctld >/dev/null && command -v munged >/dev/null \
    || die "needs the Debian packages slurm-wlm and munge"
  local changed=0
  write_conf && changed=1
  if (( changed == 0 )) && running slurmctld && running slurmd && node_ready; then
    return 0
  fi
  if (( changed )); then
    stop_daemons
  fi
  start_munge
  running slurmctld || slurmctld
  running slurmd || slurmd
  local i
  for i in $(seq 300); do
    if node_ready; then
      return 0
    fi
    # a node that was down (an earlier stop) comes back only when told
    if (( i % 20 == 0 )); then
      scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
    fi
    sleep 0.1
  done
  die "the node $host is not idle after 30 s: $(sinfo -h -N -o '%N %T %E' 2>&1 | head -3)"\
" (see $logs/slurmctld.log and $logs/slurmd.log)"
}

stop_daemons() {
  local d pid
  for d in slurmd slurmctld; do
    for pid in $(pids_of "$d"); do
      kill "$pid" 2>/dev/null || true
    done
  done
  for _ in $(seq 100); do
    running slurmd || running slurmctld || return 0
    sleep 0.1
  done
  die "slurmd or slurmctld did not stop within 10 s"
}

case ${1:-} in
  start) start ;;
  stop) stop_daemons ;;
  status) node_ready ;;
  *) die "usage: slurm-local.sh start|stop|status" ;;
esac
