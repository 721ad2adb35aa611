"""The tutorial's LSTM with the same variables and math, on TensorFlow's fused LSTM kernels.

`last_output(x, kernel, bias, ...)` returns what `static_rnn(BasicLSTMCell)`
returns as `outputs[-1]`, from BasicLSTMCell's own `kernel` (156, 512) and
`bias` (512,), so checkpoints interchange with the faithful graph.  What
differs is only how it is computed (docs/speed.md):

* Each time step is one `LSTMBlockCell` op (the kernel behind TF1's
  `tf.contrib.rnn.LSTMBlockCell`): concat([x_t, h]) @ kernel + bias, gates in
  BasicLSTMCell's order i, j, f, o, forget_bias added to f, no peepholes, no
  cell clipping.  BasicLSTMCell spends about ten small ops on the same step.
* The backward pass is written out (`tf.custom_gradient`): one `LSTMBlockCellGrad`
  op per step for the gate gradients, one matmul for the state gradient, and the
  weight gradient as one large matmul over all time steps at the end.
* The minibatch is split into `shards` blocks of rows.  Rows of a minibatch do not
  interact inside an LSTM, so each block is an independent chain of ops that one
  CPU core runs while another core runs the next block; the Session runs them side
  by side (graph.session_config).  Only the weight gradients are summed over blocks.

The arithmetic is the same up to float32 rounding order, so logits and
gradients agree with the faithful graph within 1e-5 (tests/test_lstm_impls.py).
"""
from __future__ import annotations

import tensorflow as tf


def transpose(matrix: tf.Tensor) -> tf.Tensor:
    """matrix.T as its own tensor, for a plain matmul.

    Grappler folds a constant-permutation Transpose into the MatMul that reads it
    (transpose_b=True), and TensorFlow's CPU matmul with a transposed right-hand
    side measured about 2.5x slower here for (64, 512) x (512, 128).  A permutation
    Grappler cannot treat as constant keeps the transpose: one copy per step instead
    of 27 slow products.
    """
    perm = tf.raw_ops.PlaceholderWithDefault(input=tf.constant([1, 0]), shape=[2])
    return tf.transpose(matrix, perm)


def _shard_sizes(rows: tf.Tensor, shards: int) -> tf.Tensor:
    """Row counts of `shards` blocks covering `rows` rows, as equal as possible."""
    return tf.stack([(rows + k) // shards for k in range(shards)])


def _chain(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, forget_bias: float,
           num_input: int, num_hidden: int, timesteps: int) -> tf.Tensor:
    """One block of rows: (rows, timesteps, num_input) -> h_T (rows, num_hidden)."""

    @tf.custom_gradient
    def lstm(x, kernel, bias):
        xs = tf.unstack(x, timesteps, axis=1)                 # (rows, T, I) -> T x (rows, I)
        zeros = tf.zeros(tf.stack([tf.shape(x)[0], num_hidden]))  # h_0 = c_0 = 0, (rows, H)
        no_peephole = tf.zeros([num_hidden])
        h = c = zeros
        steps = []
        for t in range(timesteps):
            # i, cs (= c_t), f, o, ci (= tanh(j)), co (= tanh(c_t)), h_t; cell_clip < 0 = no clipping
            i, cs, f, o, ci, co, h_next = tf.raw_ops.LSTMBlockCell(
                x=xs[t], cs_prev=c, h_prev=h, w=kernel, wci=no_peephole, wcf=no_peephole,
                wco=no_peephole, b=bias, forget_bias=forget_bias, cell_clip=-1.0, use_peephole=False)
            steps.append((xs[t], c, h, i, cs, f, o, ci, co))
            h, c = h_next, cs

        def grad(dh):
            """Backpropagation through time from dL/dh_T; returns dL/dx, dL/dkernel, dL/dbias."""
            w_x_t, w_h_t = transpose(kernel[:num_input]), transpose(kernel[num_input:])  # (4H, I), (4H, H)
            dzs = [None] * timesteps
            dc = zeros
            for t in reversed(range(timesteps)):
                x_t, c_prev, h_prev, i, cs, f, o, ci, co = steps[t]
                # dL/dc_{t-1} and dL/dz_t (the gate pre-activations, (rows, 4H)) from dL/dh_t and dL/dc_t
                dc, dz, _, _, _ = tf.raw_ops.LSTMBlockCellGrad(
                    x=x_t, cs_prev=c_prev, h_prev=h_prev, w=kernel, wci=no_peephole, wcf=no_peephole,
                    wco=no_peephole, b=bias, i=i, cs=cs, f=f, o=o, ci=ci, co=co, cs_grad=dc, h_grad=dh,
                    use_peephole=False)
                dzs[t] = dz
                if t > 0:
                    dh = tf.matmul(dz, w_h_t)  # dL/dh_{t-1}: h_{t-1} reaches the loss only through z_t
            dz_rows = tf.concat(dzs, 0)                                            # (T*rows, 4H)
            xh_rows = tf.concat([tf.concat([s[0] for s in steps], 0),
                                 tf.concat([s[2] for s in steps], 0)], 1)          # (T*rows, I+H)
            d_kernel = tf.matmul(xh_rows, dz_rows, transpose_a=True)              # (I+H, 4H)
            d_x = tf.stack(tf.split(tf.matmul(dz_rows, w_x_t), timesteps), 1)     # (rows, T, I)
            return d_x, d_kernel, tf.reduce_sum(dz_rows, 0)

        return h, grad

    return lstm(x, kernel, bias)


def last_output(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, forget_bias: float,
                num_input: int, num_hidden: int, timesteps: int, shards: int) -> tf.Tensor:
    """(batch, timesteps, num_input) -> h at the last time step, (batch, num_hidden)."""
    batch = tf.shape(x)[0]
    # LSTMBlockCell refuses an empty block: a batch smaller than `shards` (one image to
    # predict) gets zero rows appended, whose outputs are cut off again.  Nothing reads
    # them, so their gradients are exactly zero and add nothing to the weight gradients.
    padded = tf.pad(x, [[0, tf.maximum(shards - batch, 0)], [0, 0], [0, 0]])
    blocks = tf.split(padded, _shard_sizes(tf.shape(padded)[0], shards), num=shards)
    return tf.concat([_chain(block, kernel, bias, forget_bias, num_input, num_hidden, timesteps)
                      for block in blocks], 0)[:batch]
