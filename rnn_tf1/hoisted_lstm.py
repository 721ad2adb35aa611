"""The tutorial's LSTM with the same variables and math, computed with fewer, larger matmuls.

`last_output(x, kernel, bias, ...)` returns what `static_rnn(BasicLSTMCell)`
returns as `outputs[-1]`, from BasicLSTMCell's own `kernel` (156, 512) and
`bias` (512,), so checkpoints interchange with the faithful graph.  What
differs is only how it is computed:

* The input part of every time step's gate product, x_t @ kernel[:28], is one
  (28*batch, 28) @ (28, 512) matmul before the loop; inside the loop only
  h @ kernel[28:] remains, and there is no per-step concat.
* The gradient is written out (`tf.custom_gradient`): the backward pass walks
  the time steps once for the state gradients and then computes each weight
  gradient as one large matmul over all time steps, where TensorFlow's automatic
  gradient of the unrolled loop makes 28 small matmuls and sums them.

The arithmetic is the same up to float32 rounding order, so logits and
gradients agree with the faithful graph within 1e-5 (tests/test_lstm_impls.py).
It is not faster on the 2-core CPU it was measured on (README, "Speed and memory").
"""
from __future__ import annotations

import tensorflow as tf


def last_output(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, forget_bias: float,
                num_input: int, num_hidden: int, timesteps: int) -> tf.Tensor:
    """(batch, timesteps, num_input) -> h at the last time step, (batch, num_hidden)."""
    H = num_hidden

    @tf.custom_gradient
    def lstm(x, kernel, bias):
        w_x, w_h = kernel[:num_input], kernel[num_input:]  # BasicLSTMCell multiplies concat([x, h]) @ kernel
        # Gate order is BasicLSTMCell's i, j, f, o; forget_bias joins f's bias once here.
        offset = tf.concat([bias[:2 * H], bias[2 * H:3 * H] + forget_bias, bias[3 * H:]], 0)
        # (batch, T, I) -> time-major (T*batch, I) -> (T*batch, 4H) -> T x (batch, 4H)
        x_rows = tf.reshape(tf.transpose(x, [1, 0, 2]), [-1, num_input])
        z_x = tf.unstack(tf.reshape(tf.matmul(x_rows, w_x) + offset, [timesteps, -1, 4 * H]), timesteps)
        h = c = None
        hs, saved = [], []
        for t in range(timesteps):
            z = z_x[t] if h is None else z_x[t] + tf.matmul(h, w_h)  # h_0 = 0: no recurrent term
            i, j, f, o = tf.split(z, 4, axis=1)
            i, j, f, o = tf.sigmoid(i), tf.tanh(j), tf.sigmoid(f), tf.sigmoid(o)
            c_prev = c
            c = i * j if c_prev is None else c_prev * f + i * j  # c_0 = 0
            tanh_c = tf.tanh(c)
            h = tanh_c * o
            hs.append(h)
            saved.append((i, j, f, o, c_prev, tanh_c))

        def grad(dh):
            """Backpropagation through time from dL/dh_T; returns dL/dx, dL/dkernel, dL/dbias."""
            dzs = [None] * timesteps
            dc = None
            for t in reversed(range(timesteps)):
                i, j, f, o, c_prev, tanh_c = saved[t]
                dc_t = tf.raw_ops.TanhGrad(y=tanh_c, dy=dh * o)   # through h = tanh(c) * o
                dc = dc_t if dc is None else dc + dc_t             # plus what c_t passed on to c_{t+1}
                dz = tf.concat([
                    tf.raw_ops.SigmoidGrad(y=i, dy=dc * j),
                    tf.raw_ops.TanhGrad(y=j, dy=dc * i),
                    tf.zeros_like(dc) if c_prev is None else tf.raw_ops.SigmoidGrad(y=f, dy=dc * c_prev),
                    tf.raw_ops.SigmoidGrad(y=o, dy=dh * tanh_c)], 1)  # (batch, 4H)
                dzs[t] = dz
                if t > 0:
                    dh = tf.matmul(dz, w_h, transpose_b=True)  # dL/dh_{t-1}, (batch, H)
                    dc = dc * f                                # dL/dc_{t-1} through c_t = c_{t-1} * f + ...
            dz_rows = tf.concat(dzs, 0)                        # (T*batch, 4H), time-major like x_rows
            d_w_x = tf.matmul(x_rows, dz_rows, transpose_a=True)                    # (I, 4H)
            d_w_h = tf.matmul(tf.concat(hs[:-1], 0), tf.concat(dzs[1:], 0), transpose_a=True)  # (H, 4H)
            d_bias = tf.reduce_sum(dz_rows, 0)
            d_x = tf.transpose(tf.reshape(tf.matmul(dz_rows, w_x, transpose_b=True),
                                          [timesteps, -1, num_input]), [1, 0, 2])
            return d_x, tf.concat([d_w_x, d_w_h], 0), d_bias

        return h, grad

    return lstm(x, kernel, bias)
