"""The Sessions a script creates under `rnn-tf1 run`: its own `tf.Session()`,
`tf.Session(config=...)`, `tf.InteractiveSession`, and those `MonitoredSession` /
`MonitoredTrainingSession` make.  All are built by TensorFlow's `BaseSession.__init__`, so the
config is settled there, once:

- soft placement, always: a `with tf.device('/gpu:0')` pin on a machine without a GPU runs on the
  CPU, as a TF 1.x user on a laptop expected, where TensorFlow 2 would stop on
  `InvalidArgumentError`; one note the first time a script names a GPU it does not have;
- under `--seed N`, the port's threading (config.SESSION_THREADS: one thread inside each op, two
  ops side by side), merged into the script's own ConfigProto, so the script computes the same
  float operations in the same order as `rnn-tf1 train --seed N` on any machine.  A thread count
  the script sets itself wins, with one note.  Without `--seed`, threads are TensorFlow's choice.

A script in TF 1.x's eager style starts with `tf.enable_eager_execution()` (also reached as
`tf.compat.v1.` and `tfe.`): `eager_at_startup` lets it switch the process to eager execution while
the script has built nothing in graph mode (no op in the default graph, no Session), as TF 1.x
allowed it only at program start-up; TF 1.x's other v1 behaviours stay (v1 shapes, no tensor
equality, TF1's resource-variable default: eager variables are resource variables anyway).  The
eager context gets the same config as a Session (soft placement; the port's threads under --seed),
and `--seed N` becomes the eager context's global seed.
"""
from __future__ import annotations

import logging
import sys

from rnn_tf1.config import SESSION_THREADS

log = logging.getLogger("rnn_tf1.tf1")

THREAD_FIELDS = ("intra_op_parallelism_threads", "inter_op_parallelism_threads")


def session_config(tf1, config, seeded: bool, noted: set):
    """The script's ConfigProto (or a new one) with soft placement and, if `seeded`, the port's
    threads where the script set none; the script's object is not changed."""
    merged = tf1.ConfigProto()
    if config is not None:
        merged.CopyFrom(config)
    merged.allow_soft_placement = True
    if seeded:
        own = {f: getattr(merged, f) for f in THREAD_FIELDS if getattr(merged, f)}
        if own and "threads" not in noted:
            noted.add("threads")
            log.warning("note: the script's Session sets %s; its digits may differ from rnn-tf1 train "
                        "--seed, which runs intra_op %d, inter_op %d", ", ".join(f"{k}={v}" for k, v in own.items()),
                        *SESSION_THREADS)
        for field, threads in zip(THREAD_FIELDS, SESSION_THREADS):
            if field not in own:
                setattr(merged, field, threads)
    return merged


def _where() -> str:
    """file:line of the first frame outside TensorFlow and rnn_tf1: the script's call."""
    frame = sys._getframe(2)
    while frame is not None and any(part in frame.f_code.co_filename for part in ("/tensorflow/", "/rnn_tf1/")):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "the script"


def install(env) -> dict:
    """Patch BaseSession for this process; returns the names the `tensorflow` namespace gets
    (`tf.device`, which notes a GPU the machine lacks)."""
    from tensorflow.python.client import session as session_lib
    import tensorflow as real_tf

    tf1, noted = env.tf1, set()
    base = session_lib.BaseSession
    init = getattr(base.__init__, "rnn_tf1_original", base.__init__)
    sessions_made = []

    def __init__(self, target="", graph=None, config=None):
        sessions_made.append(True)
        init(self, target, graph, session_config(tf1, config, env.seed is not None, noted))

    __init__.rnn_tf1_original = init
    base.__init__ = __init__
    eager_at_startup(env, lambda: bool(sessions_made), noted)

    gpus = None

    def device(device_name_or_function):
        """tf.device, as TF 1.x; a GPU this machine lacks is noted once (soft placement puts it on the CPU)."""
        nonlocal gpus
        if isinstance(device_name_or_function, str) and "GPU" in device_name_or_function.upper() \
                and "gpu" not in noted:
            gpus = real_tf.config.list_physical_devices("GPU") if gpus is None else gpus
            if not gpus:
                noted.add("gpu")
                log.warning("note: %s: tf.device(%r): this machine has no GPU; its ops run on the CPU (soft "
                            "placement)", _where(), device_name_or_function)
        return tf1.device(device_name_or_function)

    return {"device": device}


STARTUP_ERROR = "tf.enable_eager_execution must be called at program startup."


def graph_mode_used(graph, session_made: bool) -> bool:
    """TF 1.x's test for "too late to enable eager execution": the script has built an op in the
    graph it sees, or made a Session.  (install() itself makes the default graph, empty, to seed it.)"""
    return session_made or bool(graph.get_operations())


def eager_at_startup(env, session_made, noted: set) -> None:
    """`tf.enable_eager_execution(config=None, device_policy=None, execution_mode=None)` (TF 1.x's
    arguments, checked by TensorFlow) works while the script has built nothing in graph mode; after
    that it raises TF 1.x's ValueError.  Every route to it (tf., tf.compat.v1., tfe., tfe.run) calls
    TensorFlow's `enable_eager_execution_internal`, so that one function is wrapped."""
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops

    from rnn_tf1.tf1 import seeding

    tf1 = env.tf1
    internal = getattr(ops.enable_eager_execution_internal, "rnn_tf1_original", ops.enable_eager_execution_internal)

    def enable_eager_execution_internal(config=None, device_policy=None, execution_mode=None, server_def=None):
        if context.default_execution_mode == context.GRAPH_MODE:
            stack = ops._default_graph_stack  # pylint: disable=protected-access
            # TF 1.x: graph mode used = the script's graph has ops, or it is inside a Graph's
            # as_default() (a graph other than the global default one is current).
            nested = ops.get_default_graph() is not stack._global_default_graph
            if nested or graph_mode_used(ops.get_default_graph(), session_made()):
                raise ValueError(STARTUP_ERROR)
            stack.reset()  # the empty graph install() seeded: TensorFlow's own check refuses it
            if config is not None and not isinstance(config, tf1.ConfigProto):
                raise TypeError("config must be a tf.ConfigProto, but got %s" % type(config))
            config = session_config(tf1, config, env.seed is not None, noted)
        internal(config=config, device_policy=device_policy, execution_mode=execution_mode, server_def=server_def)
        seeding.seed_eager(env)

    enable_eager_execution_internal.rnn_tf1_original = internal
    ops.enable_eager_execution_internal = enable_eager_execution_internal
