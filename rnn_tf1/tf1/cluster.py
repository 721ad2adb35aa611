"""`tf.test.create_local_cluster`: TF 1.x's in-process cluster for tests, with free ports picked here.

TF 1.15's `create_local_cluster(num_workers, num_ps, protocol='grpc', worker_config=None,
ps_config=None)` started `num_workers` worker servers and `num_ps` parameter servers on
`localhost` ports (job names "worker" and "ps", task indices from 0, servers started) and returned
`(workers, ps_servers)`, two lists of `tf.train.Server`.  It picked its ports with the `portpicker`
package, which TensorFlow no longer installs: today's `tf.compat.v1.test.create_local_cluster`
stops on `ModuleNotFoundError: No module named 'portpicker'`.  This one asks the operating system
for a free port (`free_port`), as portpicker did at heart, and never hands the same port out twice
in one process.  TensorFlow's distributed engine itself (`tf.train.ClusterSpec`, `tf.train.Server`,
`tf.train.replica_device_setter`, `tf.train.SyncReplicasOptimizer`,
`tf.train.MonitoredTrainingSession(master=...)`) is `tf.compat.v1`'s, unchanged.

TF 2: `tf.compat.v1.test.create_local_cluster` (with `portpicker` installed); for new code,
`tf.distribute.Server` and `tf.distribute.experimental.ParameterServerStrategy`.
"""
from __future__ import annotations

import socket
import threading

_given: set[int] = set()
_lock = threading.Lock()


def free_port() -> int:
    """A TCP port nothing listens on now, on every interface (a server binds them all), not given
    out before by this process.  Another process may still take it before the server binds it;
    the window is the one portpicker had."""
    with _lock:
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("", 0))
                port = probe.getsockname()[1]
            if port not in _given:
                _given.add(port)
                return port


def create_local_cluster(num_workers, num_ps, protocol="grpc", worker_config=None, ps_config=None):
    """Start `num_workers` worker and `num_ps` ps servers on localhost; returns (workers, ps_servers)."""
    import tensorflow as real_tf

    tf1 = real_tf.compat.v1
    cluster = tf1.train.ClusterSpec({"worker": [f"localhost:{free_port()}" for _ in range(num_workers)],
                                     "ps": [f"localhost:{free_port()}" for _ in range(num_ps)]})
    workers = [tf1.train.Server(cluster, job_name="worker", protocol=protocol, task_index=index,
                                config=worker_config, start=True) for index in range(num_workers)]
    ps_servers = [tf1.train.Server(cluster, job_name="ps", protocol=protocol, task_index=index,
                                   config=ps_config, start=True) for index in range(num_ps)]
    return workers, ps_servers


def test_names(env) -> dict:
    """The names of TF 1.x's `tf.test` provided here (the rest is `tf.compat.v1.test`'s)."""
    return {"create_local_cluster": create_local_cluster}
