#!/bin/sh
# A one-node Slurm cluster in a temporary directory, as root, without systemd or cgroups: its own munged
# (socket and key in the directory), slurmctld -D and slurmd -D in the background, stopped by their PID files.
# Source it, then: slurm_start DIR (0 started, 1 not available: the reason in $SLURM_SKIP) and slurm_stop DIR.
# Commands then need SLURM_CONF=DIR/slurm.conf (exported by slurm_start).

slurm_available() {
    for b in munged slurmctld slurmd sbatch scontrol squeue scancel; do
        command -v $b > /dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v $b > /dev/null 2>&1 ||
            { SLURM_SKIP="$b not installed (Debian: slurm-wlm, munge)"; return 1; }
    done
    [ "$(id -u)" = 0 ] || { SLURM_SKIP="the one-node cluster runs as root"; return 1; }
    return 0
}

slurm_start() {
    d=$1
    PATH="$PATH:/usr/sbin"; export PATH
    slurm_available || return 1
    mkdir -p "$d/munge" "$d/state" "$d/spool"
    chmod 700 "$d/munge"
    dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 2> /dev/null
    chmod 400 "$d/munge/munge.key"
    munged --force --socket="$d/munge/munge.socket" --key-file="$d/munge/munge.key" \
        --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" --seed-file="$d/munge/munged.seed" ||
        { SLURM_SKIP="munged did not start"; return 1; }
    port=$((20000 + ($$ % 5000) * 2))
    node=$(hostname -s)
    cat > "$d/slurm.conf" <<CONF
ClusterName=sweeptest
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
InactiveLimit=0
KillWait=5
MinJobAge=600
JobRequeue=1
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    SLURM_CONF="$d/slurm.conf"; export SLURM_CONF
    slurmctld -D -i > "$d/slurmctld.out" 2>&1 &
    slurmd -D > "$d/slurmd.out" 2>&1 &
    i=0
    while [ $i -lt 100 ]; do
        state=$(sinfo -h -n "$node" -o %T 2> /dev/null)
        case "$state" in idle*|mixed*|allocated*) return 0 ;; esac
        sleep 0.2; i=$((i + 1))
    done
    SLURM_SKIP="the node did not come up (state '$state'; see $d/slurmctld.log)"
    return 1
}

# Stop the daemons by their PID files, and wait until they are gone.
slurm_stop() {
    d=$1
    for f in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/munged.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2> /dev/null || continue
        i=0; while [ $i -lt 50 ] && kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$pid" 2> /dev/null
    done
    return 0
}
