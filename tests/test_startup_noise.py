"""TensorFlow's C++ start-up lines (rnn_tf1/startup_noise.py): dropped where they say nothing (no GPU),
while TensorFlow's Python deprecation warnings and real C++ errors stay.  The filter is checked in
process on the lines TensorFlow 2.21 prints; one TF1 kernel (as JupyterLab starts it, C-level
output captured into the cell) shows what a user sees in a cell."""
import os
import re
import time

import rnn_tf1  # noqa: F401  (before TensorFlow)
import pytest

from rnn_tf1 import startup_noise

# As TensorFlow 2.21 wrote them on this project's machine without a GPU.
NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796435831.399721    5815 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders. "
    "To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 00:00:1796435831.400024    5815 cudart_stub.cc:31] Could not find cuda drivers on your machine, "
    "GPU will not be used.",
    "I0000 00:00:1796435831.443207    5815 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags.",
]
CUINIT = ("E0000 00:00:1796435833.200801    5815 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: "
          "Failed call to cuInit: UNKNOWN ERROR (303)")
REAL = [
    "E0000 00:00:1796436900.750024   32109 logging_ops.cc:173] a real error",
    "W0000 00:00:1796436900.750024   32109 op_kernel.cc:1857] OP_REQUIRES failed at save_restore_v2_ops.cc:1 : "
    "NOT_FOUND: model.ckpt-3.index; No such file or directory",
    "WARNING:tensorflow:From x.py:6: initialize_all_variables (from tensorflow.python.ops.variables) is deprecated "
    "and will be removed after 2017-03-02.",
    "I0000 00:00:1796435831.399721    5815 port.cc:153] oneDNN custom operations are on, and something else",
    "",
]


def test_known_start_up_lines_are_noise_and_nothing_else_is():
    assert all(startup_noise.is_startup_noise(line) for line in NOISE + [CUINIT])
    assert not any(startup_noise.is_startup_noise(line) for line in REAL)
    # On a machine with an NVIDIA device a failing cuInit is a real error.
    assert not startup_noise.is_startup_noise(CUINIT, gpu=True)
    assert all(startup_noise.is_startup_noise(line, gpu=True) for line in NOISE)


def test_the_filter_drops_noise_only_and_keeps_every_other_byte_in_order(capfd):
    with startup_noise.filtered_stderr(gpu=False):
        os.write(2, ("\n".join([NOISE[0], REAL[0], NOISE[1]]) + "\n").encode())
        os.write(2, CUINIT[:30].encode())  # a line in two writes
        os.write(2, (CUINIT[30:] + "\n" + REAL[1][:40]).encode())
        os.write(2, (REAL[1][40:] + "\n").encode())
        os.write(2, (REAL[2] + "\n").encode())
        os.write(2, b"no newline at the end")
    os.write(2, (NOISE[2] + "\n").encode())  # after the window: nothing is filtered
    assert capfd.readouterr().err == "\n".join([REAL[0], REAL[1], REAL[2], "no newline at the end" + NOISE[2]]) + "\n"


KERNEL_CELL = """
import tensorflow as tf
with tf.Session() as sess:
    print(sess.run(tf.constant(2.0) * 3))
    init = tf.initialize_all_variables()
    sess.run(tf.print("a real C++ error line", output_stream=tf.logging.error))
"""


def _kernel_module():
    try:  # the kernel's module, wherever the package keeps it
        from rnn_tf1.launch import kernel
    except ImportError:
        from rnn_tf1 import tf1_kernel as kernel
    return kernel


@pytest.mark.skipif(startup_noise.gpu_possible(), reason="a machine with an NVIDIA device: cuInit's line is real")
def test_a_kernel_cell_shows_no_start_up_lines_but_deprecations_and_real_errors(tmp_path):
    pytest.importorskip("jupyter_client")
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernel = _kernel_module()

    class Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir="", **kernel.kernel_spec())

    # JupyterLab's start: ipykernel captures the process's C-level output into the cell's stderr.
    manager = KernelManager(kernel_name=kernel.KERNEL_NAME, kernel_spec_manager=Specs())
    own_stderr = tmp_path / "kernel.stderr"
    with open(own_stderr, "w") as log:
        # ipykernel does not capture C-level output under pytest (it looks for PYTEST_CURRENT_TEST).
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
        manager.start_kernel(stdout=log, stderr=log, env=env)
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=300)
        streams = []
        reply = client.execute_interactive(KERNEL_CELL, timeout=300, output_hook=_collect(streams))
        time.sleep(0.5)  # the fd capture forwards C-level output on its own thread
        while client.iopub_channel.msg_ready():
            _collect(streams)(client.get_iopub_msg(timeout=1))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    stdout = "".join(text for name, text in streams if name == "stdout")
    stderr = "".join(text for name, text in streams if name == "stderr")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stdout == "6.0\n"
    assert "initialize_all_variables (from tensorflow.python.ops.variables) is deprecated" in stderr
    assert re.search(r"^E0000 .* logging_ops\.cc:\d+\] a real C\+\+ error line$", stderr, re.M), stderr
    for text in (stderr, own_stderr.read_text()):
        assert not any(startup_noise.is_startup_noise(line) for line in text.splitlines()), text
        assert "cuInit" not in text and "I0000" not in text, text


def _collect(streams):
    def hook(message):
        if message["msg_type"] == "stream":
            streams.append((message["content"]["name"], message["content"]["text"]))
    return hook
