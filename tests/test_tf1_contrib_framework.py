"""tf.contrib.framework (rnn_tf1/tf1/contrib_framework.py): each borrowed name is the object it
is said to be (tf-slim's, tf.compat.v1's, TensorFlow's), a checkpoint written here read back by
list_variables / load_checkpoint / load_variable and restored by assign_from_checkpoint_fn and
init_from_checkpoint (values against the numpy arrays written), arg scopes, nest, and the
functions written here against numpy.  In-process graph mode, no install()."""
import os

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf
import tf_slim

from rnn_tf1.tf1 import Env, contrib_framework

tf1 = tf.compat.v1


@pytest.fixture(scope="module")
def fw():
    return contrib_framework.names(Env(tf1))


def test_each_borrowed_name_is_the_object_that_does_the_job(fw):
    from tensorflow.python.framework import ops, smart_cond, tensor_spec
    from tensorflow.python.ops import check_ops, critical_section_ops, data_flow_ops, init_ops
    from tensorflow.python.util import deprecation, nest
    from tf_slim.ops import arg_scope, variables
    expected = {
        "load_checkpoint": tf1.train.load_checkpoint, "list_variables": tf1.train.list_variables,
        "load_variable": tf1.train.load_variable, "init_from_checkpoint": tf1.train.init_from_checkpoint,
        "is_tensor": tf1.is_tensor, "convert_to_tensor_or_sparse_tensor": tf1.convert_to_tensor_or_sparse_tensor,
        "assert_scalar": tf1.assert_scalar, "is_numeric_tensor": tf1.debugging.is_numeric_tensor,
        "is_non_decreasing": tf1.debugging.is_non_decreasing,
        "is_strictly_increasing": tf1.debugging.is_strictly_increasing, "sort": tf1.sort, "argsort": tf1.argsort,
        "TensorSpec": tf1.TensorSpec, "BoundedTensorSpec": tensor_spec.BoundedTensorSpec,
        "assert_same_float_dtype": check_ops.assert_same_float_dtype,
        "prepend_name_scope": ops.prepend_name_scope, "strip_name_scope": ops.strip_name_scope,
        "get_graph_from_inputs": ops._get_graph_from_inputs,
        "smart_cond": smart_cond.smart_cond, "smart_constant_value": smart_cond.smart_constant_value,
        "smart_case": smart_cond.smart_case, "CriticalSection": critical_section_ops.CriticalSection,
        "RecordInput": data_flow_ops.RecordInput, "deprecated": deprecation.deprecated,
        "deprecated_args": deprecation.deprecated_args, "deprecated_arg_values": deprecation.deprecated_arg_values,
        "convolutional_delta_orthogonal": init_ops.ConvolutionDeltaOrthogonal,
        "convolutional_orthogonal_1d": init_ops.ConvolutionOrthogonal1D,
        "convolutional_orthogonal_2d": init_ops.ConvolutionOrthogonal2D,
        "convolutional_orthogonal_3d": init_ops.ConvolutionOrthogonal3D,
    }
    for name in ("arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope", "arg_scoped_arguments"):
        expected[name] = getattr(arg_scope, name)
    for name in ("add_model_variable", "assert_global_step", "assert_or_get_global_step", "assign_from_checkpoint",
                 "assign_from_checkpoint_fn", "assign_from_values", "assign_from_values_fn", "create_global_step",
                 "filter_variables", "get_global_step", "get_or_create_global_step", "get_local_variables",
                 "get_model_variables", "get_trainable_variables", "get_unique_variable", "get_variables_by_name",
                 "get_variables_by_suffix", "get_variable_full_name", "get_variables_to_restore", "get_variables",
                 "global_variable", "local_variable", "model_variable", "variable", "VariableDeviceChooser"):
        expected[name] = getattr(variables, name)
    for name, obj in expected.items():
        assert fw[name] is obj, name
    assert fw["arg_scope"] is tf_slim.arg_scope  # the one slim's layers read, so scopes reach them
    assert fw["nest"].map_structure is nest.map_structure and fw["nest"].is_sequence is nest.is_nested
    assert fw["nest"].is_sequence_or_composite is nest.is_nested_or_composite


def test_every_tf_1_15_contrib_framework_name_is_provided_or_has_a_hint(fw):
    from rnn_tf1.tf1.hints import hint_for
    generic = hint_for("tensorflow.contrib.framework")
    tf_1_15 = ("assert_same_float_dtype assert_scalar assert_scalar_int convert_to_tensor_or_sparse_tensor "
               "get_graph_from_inputs is_numeric_tensor is_non_decreasing is_strictly_increasing is_tensor "
               "reduce_sum_n with_shape with_same_shape deprecated deprecated_args deprecated_arg_values arg_scope "
               "add_arg_scope current_arg_scope has_arg_scope arg_scoped_arguments prepend_name_scope "
               "strip_name_scope add_model_variable assert_global_step assert_or_get_global_step "
               "assign_from_checkpoint assign_from_checkpoint_fn assign_from_values assign_from_values_fn "
               "create_global_step filter_variables fuse_op get_global_step get_or_create_global_step "
               "get_local_variables get_model_variables get_name_scope get_trainable_variables get_unique_variable "
               "get_variables_by_name get_variables_by_suffix get_variable_full_name get_variables_to_restore "
               "get_variables global_variable local_variable model_variable variable VariableDeviceChooser "
               "convolutional_delta_orthogonal convolutional_orthogonal_1d convolutional_orthogonal_2d "
               "convolutional_orthogonal_3d zero_initializer load_checkpoint list_variables load_variable "
               "init_from_checkpoint load_and_remap_matrix_initializer load_embedding_initializer "
               "load_linear_multiclass_bias_initializer load_variable_slot_initializer argsort py_func sort "
               "get_placeholders smart_cond smart_constant_value smart_case CriticalSection BoundedTensorSpec "
               "TensorSpec RecordInput nest").split()
    for name in tf_1_15:
        assert name in fw or hint_for(f"tensorflow.contrib.framework.{name}") != generic, name


def test_a_checkpoint_is_listed_read_and_restored_by_name(fw, tmp_path):
    rng = np.random.RandomState(3)
    weights, bias = rng.randn(3, 2).astype(np.float32), rng.randn(2).astype(np.float32)
    path = str(tmp_path / "model.ckpt")
    with tf.Graph().as_default(), tf1.Session() as sess:
        with tf1.variable_scope("layer"):
            fw["model_variable"]("weights", initializer=weights)
            fw["variable"]("bias", initializer=bias)
        step = fw["get_or_create_global_step"]()
        assert fw["get_model_variables"]()[0].op.name == "layer/weights"
        assert [v.op.name for v in fw["get_variables"]("layer")] == ["layer/weights", "layer/bias"]
        assert [v.op.name for v in fw["get_variables_to_restore"](exclude=["layer/bias"])] == [
            "layer/weights", "global_step"]
        sess.run(tf1.global_variables_initializer())
        sess.run(tf1.assign(step, 7))
        tf1.train.Saver().save(sess, path)
    assert fw["list_variables"](path) == [("global_step", []), ("layer/bias", [2]), ("layer/weights", [3, 2])]
    np.testing.assert_array_equal(fw["load_checkpoint"](path).get_tensor("layer/weights"), weights)
    np.testing.assert_array_equal(fw["load_variable"](str(tmp_path), "layer/bias"), bias)
    with tf.Graph().as_default(), tf1.Session() as sess:  # slim's restore function, by name
        with tf1.variable_scope("layer"):
            w = tf1.get_variable("weights", [3, 2])
        fw["assign_from_checkpoint_fn"](path, [w])(sess)
        np.testing.assert_array_equal(sess.run(w), weights)
    with tf.Graph().as_default(), tf1.Session() as sess:  # init_from_checkpoint, into another scope
        with tf1.variable_scope("copy"):
            b = tf1.get_variable("bias", [2])
        fw["init_from_checkpoint"](path, {"layer/": "copy/"})
        sess.run(tf1.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(b), bias)
    with tf.Graph().as_default(), tf1.Session() as sess:  # assign_from_checkpoint: (op, feed dict)
        with tf1.variable_scope("layer"):
            b = tf1.get_variable("bias", [2])
        op, feed = fw["assign_from_checkpoint"](path, [b])
        sess.run(op, feed)
        np.testing.assert_array_equal(sess.run(b), bias)


def test_arg_scope_reaches_a_function_and_slim_layers(fw):
    @fw["add_arg_scope"]
    def scaled(x, scale=1.0):
        return x * scale

    with fw["arg_scope"]([scaled], scale=3.0):
        assert scaled(2.0) == 6.0 and scaled(2.0, scale=0.5) == 1.0
        assert fw["has_arg_scope"](scaled)
    assert scaled(2.0) == 2.0
    assert tuple(fw["arg_scoped_arguments"](scaled)) == ("scale",)  # the keyword arguments only, as TF 1.15
    with tf.Graph().as_default():
        with fw["arg_scope"]([tf_slim.fully_connected], num_outputs=4):
            out = tf_slim.fully_connected(tf1.zeros([1, 3]))
        assert out.shape.as_list() == [1, 4]


def test_nest_keeps_tf1_names(fw):
    nest = fw["nest"]
    assert nest.is_sequence((1, 2)) and not nest.is_sequence(1)
    assert nest.map_structure(lambda x: x * 2, {"a": [1, (2, 3)]}) == {"a": [2, (4, 6)]}
    assert nest.flatten({"b": 1, "a": (2, 3)}) == [2, 3, 1]
    with pytest.raises(ValueError):
        nest.assert_same_structure((1, 2), (1, (2, 3)))


def test_the_functions_written_here_against_numpy(fw):
    with tf.Graph().as_default() as graph, tf1.Session() as sess:
        with tf1.name_scope("outer"), tf1.name_scope("inner"):
            assert fw["get_name_scope"]() == "outer/inner"
        assert fw["get_name_scope"]() == ""
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        b = np.array([1.5, -2.0], np.float32)
        total = fw["reduce_sum_n"]([tf1.constant(a), tf1.constant(b)])
        assert sess.run(total) == pytest.approx(a.sum() + b.sum())
        assert sess.run(fw["reduce_sum_n"]([tf1.constant(b)])) == pytest.approx(b.sum())
        with pytest.raises(ValueError, match="No tensors provided"):
            fw["reduce_sum_n"]([])
        assert sess.run(fw["assert_scalar_int"](tf1.constant(4))) == 4
        with pytest.raises(ValueError, match="Expected integer type"):
            fw["assert_scalar_int"](tf1.constant(1.0))
        with pytest.raises(ValueError):
            fw["assert_scalar_int"](tf1.constant([1, 2]))
        x = tf1.placeholder(tf1.float32, name="x")
        y = tf1.placeholder(tf1.int32, name="y")
        assert fw["get_placeholders"](graph) == [x, y]
        v = tf1.get_variable("v", initializer=[1.0, 2.0])
        sess.run(v.initializer)
        sess.run(fw["zero_initializer"](v))
        np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])


# ---------------------------------------------------------------- tf.contrib.signal (contrib_signal.py)


def test_contrib_signal_is_tf_signal_and_its_stft_is_numpys():
    from rnn_tf1.tf1 import contrib_signal
    names = contrib_signal.names(Env(tf1))
    for name in contrib_signal.NAMES:
        assert names[name] is getattr(tf1.signal, name), name
    rng = np.random.RandomState(0)
    signal = rng.randn(100).astype(np.float32)
    frame_length, frame_step = 16, 8
    with tf.Graph().as_default(), tf1.Session() as sess:
        got = sess.run(names["stft"](tf1.constant(signal), frame_length, frame_step))
        back = sess.run(names["inverse_stft"](tf1.constant(got), frame_length, frame_step,
                                              window_fn=names["inverse_stft_window_fn"](frame_step)))
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(frame_length) / frame_length)  # periodic Hann
    frames = np.stack([signal[i:i + frame_length] for i in range(0, len(signal) - frame_length + 1, frame_step)])
    np.testing.assert_allclose(got, np.fft.rfft(frames * window, 16), rtol=1e-4, atol=1e-4)
    # the inverse gives the signal back where every sample is covered by two frames
    np.testing.assert_allclose(back[frame_length:len(back) - frame_length],
                               signal[frame_length:len(back) - frame_length], atol=1e-4)


def test_the_ops_package_and_contrib_audio_decode_a_wav_as_numpy_wrote_it():
    import io
    import wave
    from tensorflow.python.ops import gen_audio_ops
    from tf_slim.ops import arg_scope, variables
    ops = contrib_framework.ops_names(Env(tf1))
    assert ops["variables"] is variables and ops["add_arg_scope"] is arg_scope.add_arg_scope
    assert ops["model_variable"] is variables.model_variable
    audio_ops = contrib_framework.audio_names(Env(tf1))
    for name in ("decode_wav", "encode_wav", "audio_spectrogram", "mfcc"):
        assert audio_ops[name] is getattr(gen_audio_ops, name)
    samples = (np.sin(np.arange(1600) / 5.0) * 10000).astype(np.int16)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())
    with tf.Graph().as_default(), tf1.Session() as sess:
        decoded = audio_ops["decode_wav"](buffer.getvalue(), desired_channels=1)
        audio, rate = sess.run([decoded.audio, decoded.sample_rate])
    assert rate == 16000
    np.testing.assert_array_equal(audio[:, 0], samples / 32768.0)  # 16-bit PCM scaled to [-1, 1)
