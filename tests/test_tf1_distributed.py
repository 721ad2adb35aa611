"""TF 1.x's distributed engine under rnn-tf1: tf.train.ClusterSpec / Server, replica_device_setter,
SyncReplicasOptimizer and MonitoredTrainingSession(master=...), as separate processes on localhost
(tests/tf1_projects/distributed: one ps, two workers, between-graph replication, the chief writes the
checkpoint, a fourth process restores it), and tf.test.create_local_cluster (rnn_tf1/tf1/cluster.py).

The multi-process job runs once per module, through the project's run.sh under `rnn-tf1 exec --seed 0`;
its numbers are checked against a numpy replay of synchronous between-graph SGD.  The in-process
checks use tf.compat.v1 directly (no install(): it changes the whole process)."""
import os
import re
import socket
import subprocess
import sys
import threading

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import Env, cluster

tf1 = tf.compat.v1
PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_projects", "distributed")
STEPS, BATCH, RATE = 6, 8, 0.1
LINE = re.compile(r"worker (\d): local step (\d+), global step (\d+), batch loss ([-\d.]+)")


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """The project's own launcher under the command form, as its user would start it:
    `rnn-tf1 exec --seed 0 -- bash run.sh TRAIN_DIR --sync ...` starts the ps, the chief and worker 1
    (once the chief's session is ready) with plain `python trainer.py`, then `python evaluate.py`
    restores the chief's checkpoint; the hook gives each process TF 1.x's API and seed 0.  run.sh
    ends every process it started, the ps (which serves until stopped) included.
    -> (logs by role, train_dir)."""
    root = tmp_path_factory.mktemp("distributed")
    train_dir, logs_dir = str(root / "train"), root / "logs"
    logs_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "rnn_tf1", "exec", "--seed", "0", "--", "bash", "run.sh", train_dir,
         "--steps", str(STEPS), "--batch_size", str(BATCH), "--sync"],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHON": sys.executable, "LOGS": str(logs_dir)})
    logs = {role: (logs_dir / f"{role}.log").read_text() for role in ("ps", "worker0", "worker1")}
    logs["evaluate"] = proc.stdout
    assert proc.returncode == 0, (proc.stderr, logs)
    return logs, train_dir


def _dataset():
    rng = np.random.RandomState(1234)  # trainer.dataset(), computed here in float32 as it does
    x = rng.uniform(-1.0, 1.0, size=(64, 4)).astype(np.float32)
    y = x.dot(np.array([[2.0], [-3.0], [0.5], [1.0]], dtype=np.float32)) + 0.25 \
        + rng.normal(0.0, 0.01, size=(64, 1)).astype(np.float32)
    return x, y


def _checkpoint(train_dir, step):
    reader = tf1.train.load_checkpoint(os.path.join(train_dir, f"model.ckpt-{step}"))
    return reader.get_tensor("weights"), reader.get_tensor("bias"), reader.get_tensor("global_step")


def test_between_graph_sync_training_is_each_worker_s_gradient_once_per_step(job):
    """Every global step takes one gradient from each worker (SyncReplicasOptimizer, num_tokens=0) on
    its own shard: each worker logs global steps 0..5 once, and the chief's last checkpoint is what
    numpy's replay of that synchronous SGD gives from the chief's first checkpoint."""
    logs, train_dir = job
    for task in (0, 1):
        steps = [(int(m[2]), int(m[3])) for m in LINE.finditer(logs[f"worker{task}"]) if int(m[1]) == task]
        assert steps == [(k, k) for k in range(STEPS)], logs[f"worker{task}"]
        assert f"worker {task}: done" in logs[f"worker{task}"]
    assert sorted(os.path.basename(p) for p in tf1.train.get_checkpoint_state(train_dir).all_model_checkpoint_paths) \
        == ["model.ckpt-0", f"model.ckpt-{STEPS}"]
    w, b, step = _checkpoint(train_dir, 0)
    assert step == 0
    x, y = _dataset()
    w, b = w.astype(np.float64), b.astype(np.float64)
    for k in range(STEPS):
        grads = []
        for task in (0, 1):
            shard_x, shard_y = x[task * 32:(task + 1) * 32], y[task * 32:(task + 1) * 32]
            start = (k * BATCH) % 32
            bx, by = shard_x[start:start + BATCH], shard_y[start:start + BATCH]
            error = bx @ w + b - by
            grads.append((2 * bx.T @ error / BATCH, 2 * error.mean(axis=0)))
        w = w - RATE * (grads[0][0] + grads[1][0]) / 2
        b = b - RATE * (grads[0][1] + grads[1][1]) / 2
    final_w, final_b, final_step = _checkpoint(train_dir, STEPS)
    assert final_step == STEPS
    np.testing.assert_allclose(final_w, w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(final_b, b, rtol=1e-5, atol=1e-6)


def test_a_third_process_restores_the_chief_s_checkpoint_and_the_loss_fell(job):
    logs, train_dir = job
    x, y = _dataset()
    loss = {}
    for step in (0, STEPS):
        w, b, _ = _checkpoint(train_dir, step)
        loss[step] = float(np.mean((x @ w + b - y) ** 2))
    assert f"restored {os.path.join(train_dir, f'model.ckpt-{STEPS}')} at global step {STEPS}" in logs["evaluate"]
    restored = float(re.search(r"^loss ([\d.]+)$", logs["evaluate"], re.M).group(1))
    assert restored == pytest.approx(loss[STEPS], abs=1e-6)
    assert loss[STEPS] < 0.6 * loss[0], loss
    assert "serving on localhost:" in logs["ps"]


def test_seeded_job_starts_from_the_seeded_graph_s_weights(job):
    """--seed 0 gives each process's graph TF1's graph seed 0, so the chief initializes the variables
    with the numbers a graph seeded 0 draws for the same ops: a seeded job repeats its start."""
    _, train_dir = job
    with tf.Graph().as_default() as graph, tf1.Session(graph=graph) as sess:
        tf1.set_random_seed(0)
        tf1.placeholder(tf.float32, [None, 4], name="x")
        tf1.placeholder(tf.float32, [None, 1], name="y")
        weights = tf1.Variable(tf1.random_normal([4, 1], stddev=0.5), name="weights")
        expected = sess.run(weights.initial_value)
    np.testing.assert_array_equal(_checkpoint(train_dir, 0)[0], expected)


def _train_in_threads(workers, seed, sync):
    """Between-graph replication in one process: a graph and a MonitoredTrainingSession per worker,
    each on its own thread, against create_local_cluster's servers -> the final weights."""
    x, y = _dataset()
    cluster_spec = tf1.train.ClusterSpec({"worker": [w.target[len("grpc://"):] for w in workers[0]],
                                          "ps": [p.target[len("grpc://"):] for p in workers[1]]})
    ready, results, errors = threading.Event(), {}, []

    def worker(task):
        try:
            with tf.Graph().as_default():
                tf1.set_random_seed(seed)
                with tf1.device(tf1.train.replica_device_setter(worker_device=f"/job:worker/task:{task}",
                                                                cluster=cluster_spec)):
                    px = tf1.placeholder(tf.float32, [None, 4])
                    py = tf1.placeholder(tf.float32, [None, 1])
                    w = tf1.Variable(tf1.random_normal([4, 1], stddev=0.5))
                    b = tf1.Variable(tf1.zeros([1]))
                    loss = tf1.reduce_mean(tf1.square(tf1.matmul(px, w) + b - py))
                    step = tf1.train.get_or_create_global_step()
                    opt = tf1.train.GradientDescentOptimizer(RATE)
                    if sync:
                        opt = tf1.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=2, total_num_replicas=2)
                    train = opt.minimize(loss, global_step=step)
                hooks = [tf1.train.StopAtStepHook(last_step=STEPS)]
                if sync:
                    hooks.append(opt.make_session_run_hook(task == 0, num_tokens=0))
                config = tf1.ConfigProto(device_filters=["/job:ps", f"/job:worker/task:{task}"])
                with tf1.train.MonitoredTrainingSession(master=workers[0][task].target, is_chief=task == 0,
                                                        hooks=hooks, config=config, stop_grace_period_secs=1,
                                                        log_step_count_steps=0, save_summaries_steps=None,
                                                        save_summaries_secs=None) as sess:
                    ready.set()
                    local = 0
                    while not sess.should_stop():
                        start = task * 32 + (local * BATCH) % 32
                        sess.run(train, {px: x[start:start + BATCH], py: y[start:start + BATCH]})
                        local += 1
                    results[task] = local
                if task == 0:
                    with tf1.Session(workers[0][0].target) as plain:
                        results["weights"] = plain.run(w)
        except Exception as error:  # noqa: BLE001  (reported by the test's thread)
            errors.append(error)
            ready.set()

    chief = threading.Thread(target=worker, args=(0,))
    chief.start()
    ready.wait(120)
    other = threading.Thread(target=worker, args=(1,))
    other.start()
    chief.join(120)
    other.join(120)
    assert not errors, errors
    return results


# At the end of a sync job the chief's SyncReplicas queue runner is cancelled by Session.close() after
# the coordinator has joined, and TensorFlow's coordinator re-raises that CancelledError on the
# runner's thread (TF 1.x did the same; the chief's process shows it on stderr).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_create_local_cluster_servers_and_a_seeded_sync_job_repeats_bit_for_bit():
    """create_local_cluster(2, 1) as TF 1.15's: (workers, ps_servers) of started grpc servers on
    localhost ports of their own; a seeded SyncReplicas job on it (one gradient from each worker per
    step) repeats to the bit on a second cluster."""
    create = cluster.test_names(Env(tf1))["create_local_cluster"]
    first = create(num_workers=2, num_ps=1)
    workers, ps_servers = first
    assert len(workers) == 2 and len(ps_servers) == 1
    targets = [s.target for s in workers + ps_servers]
    assert all(re.fullmatch(r"grpc://localhost:\d+", t) for t in targets) and len(set(targets)) == 3
    assert [s.server_def.job_name for s in workers + ps_servers] == ["worker", "worker", "ps"]
    assert [s.server_def.task_index for s in workers + ps_servers] == [0, 1, 0]
    for target in targets:  # each server is listening
        with socket.create_connection(("localhost", int(target.rsplit(":", 1)[1])), timeout=5):
            pass
    runs = [_train_in_threads(first, seed=0, sync=True), _train_in_threads(create(2, 1), seed=0, sync=True)]
    assert runs[0][0] == runs[0][1] == STEPS  # lock-step: each worker ran every step once
    np.testing.assert_array_equal(runs[0]["weights"], runs[1]["weights"])


def test_free_ports_are_bindable_and_never_repeat():
    ports = [cluster.free_port() for _ in range(20)]
    assert len(set(ports)) == 20
    with socket.socket() as probe:
        probe.bind(("", ports[-1]))  # nothing holds it


def test_the_report_table_gives_each_distributed_name_its_tf2_route():
    from rnn_tf1.tf1 import report
    names = ["tf.train.ClusterSpec", "tf.train.Server", "tf.train.replica_device_setter",
             "tf.train.SyncReplicasOptimizer", "tf.train.MonitoredTrainingSession", "tf.train.Supervisor"]
    for name in names:
        assert hasattr(tf1.train, name.rpartition(".")[2]), name  # the TF1 name is tf.compat.v1's
        assert report.IN_TF2[name]
    assert "portpicker" in report.IN_TF2["tf.test.create_local_cluster"]
    assert hasattr(tf1.test, "create_local_cluster") and "create_local_cluster" in cluster.test_names(Env(tf1))
