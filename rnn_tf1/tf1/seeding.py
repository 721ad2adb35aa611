"""What `rnn-tf1 run --seed N` seeds, so that a seeded script repeats its run.

A TF1-era script draws from six places; under `--seed N` each is seeded or made to draw in a fixed
order (measured on tests/tf1_scripts/seeded_sources.py, which uses all six):

- the default graph: TF1's graph-level seed, `tf.set_random_seed(N)`; a script that switches to
  eager execution (`tf.enable_eager_execution()`) gets N as the eager context's global seed
  instead (`seed_eager`), which TF 1.x's `tf.set_random_seed` set under eager execution;
- graphs the script makes itself (`tf.Graph()`): given the same graph seed when they are made, as
  if the script had called `tf.set_random_seed(N)` inside each;
- but an op the script seeds itself (`tf.random_normal(..., seed=S)`) in a graph whose seed only
  `--seed` gave draws what it drew in TF 1.x, where that graph had no seed: TF1's
  `(DEFAULT_GRAPH_SEED, S)` (`_script_op_seeds_as_tf1`), so tests that compare values recorded
  under TF 1.x still pass seeded; a graph seed the script sets itself counts as in TF 1.x;
- variables created without an initializer (an RNN cell's kernel): TF 1.x gave them its seeded
  glorot-uniform initializer; tf-keras's TF1 layers fall back to an unseeded Keras one.
  `restore_default_initializer` gives them TF1's (the same fix `graph.rnn_outputs` makes for the
  port), seeded or not, so `--seed N` matches `rnn-tf1 train --seed N`;
- numpy's global generator and Python's `random` (scripts shuffle with them): seeded with N;
- the order of Python's sets and dicts of strings (`idx2char = list(set(text))`, a character
  RNN's vocabulary): string hashes are salted per process unless PYTHONHASHSEED is set, which
  has to happen before Python starts, so a seeded `rnn-tf1 run` restarts itself once with
  PYTHONHASHSEED=N (`hash_seed_environment`), and a seeded notebook's kernel starts with it;
- stateful random ops inside a while loop (a DropoutWrapper in `tf.nn.dynamic_rnn`): the op's
  generator hands out numbers in the order its executions reach it, and with parallel iterations
  that order changes from run to run.  Under `--seed` every v1 while loop runs one iteration at a
  time (`parallel_iterations=1`), so the draws come in iteration order.  An RNN's iterations wait on
  each other's state anyway; docs/tf1-scripts.md has the measured cost.
"""
from __future__ import annotations

import os
import random


def restore_default_initializer(tf1) -> None:
    """TF1 layers (RNN cells, tf.layers) created a weight without an initializer with TF1's seeded
    glorot_uniform_initializer; tf-keras uses an unseeded Keras one unless the variable scope has an
    initializer.  Give such weights TF1's, exactly as graph.rnn_outputs does for the port."""
    from tf_keras.src.legacy_tf_layers import base

    add_weight = base.Layer.add_weight
    if getattr(add_weight, "rnn_tf1_default_initializer", False):
        return

    def add_weight_tf1(self, name, shape=None, dtype=None, initializer=None, *args, **kwargs):
        floating = dtype is None or tf1.as_dtype(dtype).is_floating
        if initializer is None and floating and tf1.get_variable_scope().initializer is None:
            initializer = tf1.glorot_uniform_initializer()
        return add_weight(self, name, shape, dtype, initializer, *args, **kwargs)

    add_weight_tf1.rnn_tf1_default_initializer = True
    base.Layer.add_weight = add_weight_tf1


def _seed_new_graphs(seed: int) -> None:
    """Every `tf.Graph()` made from now on starts with graph seed `seed` (function graphs, which
    TensorFlow makes itself and seeds from their outer graph, are left alone)."""
    from tensorflow.python.framework import ops

    init = getattr(ops.Graph.__init__, "rnn_tf1_unseeded", ops.Graph.__init__)

    def seeded_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if type(self) is ops.Graph:
            _give_graph_seed(self, seed)

    seeded_init.rnn_tf1_unseeded = init
    ops.Graph.__init__ = seeded_init


def _give_graph_seed(graph, seed: int) -> None:
    """`graph`'s seed is `seed`, marked as --seed's (not the script's: see _script_op_seeds_as_tf1)."""
    graph._seed = seed  # past the `seed` property, whose setter marks a seed the script sets
    graph.rnn_tf1_seeded = True


def _script_op_seeds_as_tf1() -> None:
    """`random_seed.get_seed(S)` with S given, in graph mode, in a graph seeded by --seed only: TF 1.x's
    answer for a graph without a seed, `(DEFAULT_GRAPH_SEED, S)`.  A graph seed the script sets
    (`tf.set_random_seed`, `graph.seed = ...`) clears the mark, and TensorFlow's rule applies."""
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops, random_seed

    get_seed = getattr(random_seed.get_seed, "rnn_tf1_plain", random_seed.get_seed)

    def tf1_get_seed(op_seed):
        if op_seed is not None and not context.executing_eagerly() and \
                getattr(ops.get_default_graph(), "rnn_tf1_seeded", False):
            return random_seed.DEFAULT_GRAPH_SEED, random_seed._truncate_seed(op_seed)
        return get_seed(op_seed)

    tf1_get_seed.rnn_tf1_plain = get_seed
    random_seed.get_seed = tf1_get_seed
    if not getattr(ops.Graph.seed.fget, "rnn_tf1_marks", False):
        def set_seed(graph, value):
            graph._seed = value
            graph.rnn_tf1_seeded = False

        seed_property = property(ops.Graph.seed.fget, set_seed, doc=ops.Graph.seed.__doc__)
        ops.Graph.seed = seed_property
        ops.Graph.seed.fget.rnn_tf1_marks = True


def _one_iteration_at_a_time() -> None:
    """v1 while loops run `parallel_iterations=1`: random draws inside come in iteration order."""
    from tensorflow.python.ops import control_flow_ops

    context = control_flow_ops.WhileContext
    init = getattr(context._init_from_args, "rnn_tf1_parallel", context._init_from_args)

    def sequential(self, maximum_iterations, parallel_iterations, back_prop, swap_memory, name):
        init(self, maximum_iterations, 1, back_prop, swap_memory, name)

    sequential.rnn_tf1_parallel = init
    context._init_from_args = sequential


def hash_seed_environment(seed: int | None) -> dict[str, str]:
    """What a seeded run's Python process must start with: PYTHONHASHSEED=seed (set by the user,
    it is kept); nothing for an unseeded run, whose string hashes stay salted as Python's are."""
    if seed is None or os.environ.get("PYTHONHASHSEED", "random") != "random":
        return {}
    return {"PYTHONHASHSEED": str(seed)}


def seed_eager(env) -> None:
    """After the switch to eager execution: `tf.set_random_seed(N)` again, which in eager mode
    seeds the context (its global seed, and the counter that gives ops without a seed theirs), so
    `tf.random_normal` and the layers' initializers draw the same numbers on every seeded run."""
    if env.seed is not None:
        env.tf1.set_random_seed(env.seed)


def seed(env) -> None:
    """Seed what the script's run draws from (above); nothing when env.seed is None."""
    if env.seed is None:
        return
    import numpy as np

    from tensorflow.python.framework import ops

    _script_op_seeds_as_tf1()
    _give_graph_seed(ops.get_default_graph(), env.seed)
    _seed_new_graphs(env.seed)
    _one_iteration_at_a_time()
    np.random.seed(env.seed)
    random.seed(env.seed)
