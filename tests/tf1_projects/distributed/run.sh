#!/bin/bash
# A TF 1.x distributed job on this machine: one parameter server and two workers, each a process of
# its own started with plain `python trainer.py`, then a fourth process that restores the chief's
# checkpoint.  Usage: bash run.sh [TRAIN_DIR] [trainer flags, e.g. --sync --steps 40]
# PYTHON names the interpreter (default: python); LOGS, a folder to keep the processes' logs in
# (default: a temporary one, removed at the end).  On several machines, start the same trainer.py
# commands on each host with its own --job_name/--task_index and the hosts' real addresses.
set -u
PYTHON=${PYTHON:-python}
HERE=$(cd "$(dirname "$0")" && pwd)
TRAIN_DIR=${1:-$(mktemp -d)/train}
shift || true
KEEP_LOGS=${LOGS:+yes}
LOGS=${LOGS:-$(mktemp -d)}
# Three free ports, asked of the operating system.
read -r PS_PORT W0_PORT W1_PORT < <("$PYTHON" - <<'PY'
import socket
probes = [socket.socket() for _ in range(3)]
for probe in probes:
    probe.bind(("", 0))
print(*(probe.getsockname()[1] for probe in probes))
PY
)
HOSTS="--ps_hosts=localhost:$PS_PORT --worker_hosts=localhost:$W0_PORT,localhost:$W1_PORT --train_dir=$TRAIN_DIR"

"$PYTHON" "$HERE/trainer.py" --job_name=ps --task_index=0 $HOSTS "$@" > "$LOGS/ps.log" 2>&1 &
PS_PID=$!
trap 'kill $PS_PID ${W0_PID:-} ${W1_PID:-} 2>/dev/null; [ -n "$KEEP_LOGS" ] || rm -rf "$LOGS"' EXIT
trap 'exit 130' INT TERM  # Ctrl-C or kill: the EXIT line above still ends every process started here
"$PYTHON" "$HERE/trainer.py" --job_name=worker --task_index=0 $HOSTS "$@" > "$LOGS/worker0.log" 2>&1 &
W0_PID=$!
# A worker that is not the chief checks whether the chief has initialized the variables and, if
# not, waits 30 s before it looks again: start it once the chief's session is ready.
until grep -qs "session ready" "$LOGS/worker0.log"; do
    kill -0 $W0_PID 2>/dev/null || { cat "$LOGS/worker0.log" >&2; echo "run.sh: the chief stopped" >&2; exit 1; }
    sleep 0.2
done
"$PYTHON" "$HERE/trainer.py" --job_name=worker --task_index=1 $HOSTS "$@" > "$LOGS/worker1.log" 2>&1 &
W1_PID=$!
wait $W0_PID; W0_STATUS=$?
wait $W1_PID; W1_STATUS=$?
kill $PS_PID 2>/dev/null; wait $PS_PID 2>/dev/null  # a ps serves until it is stopped
for log in worker0 worker1; do grep "^worker" "$LOGS/$log.log"; done
[ $W0_STATUS -eq 0 ] && [ $W1_STATUS -eq 0 ] || { cat "$LOGS"/worker*.log >&2; exit 1; }
cd "$HERE" && "$PYTHON" evaluate.py --train_dir="$TRAIN_DIR"
