"""One arithmetic on every x86-64 CPU (rnn_tf1/tf_env.py, docs/one-arithmetic.md): the faithful
default and seeded `rnn-tf1 run` hold TensorFlow's and numpy's processor-picked kernels at AVX2, so
the Adam check made on an AVX2-only CPU prints byte for byte on an AVX-512 one too; unseeded runs
leave TensorFlow's defaults alone; a user's own setting wins with one note."""
import os
import platform

import nbformat
import pytest

from conftest import REPO, run_cli
from rnn_tf1 import tf_env
from rnn_tf1.config import default_data_dir

SCRIPTS = os.path.join(REPO, "tests", "tf1_scripts")
ADAM_CHECK = os.path.join(REPO, "tests", "checks", "faithful_adam_seed3_199steps_iter.log")
NAMES = ("ONEDNN_MAX_CPU_ISA", "TF_ENABLE_ONEDNN_OPTS", "NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")
AVX512_CPU = {"avx", "avx2", "fma", "avx512f"}


@pytest.fixture
def x86(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")


def test_the_settings_hold_tensorflow_and_numpy_at_avx2(x86):
    settings, note = tf_env.arithmetic_settings(AVX512_CPU)
    assert note is None
    assert settings["ONEDNN_MAX_CPU_ISA"] == "AVX2" and settings["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert settings["OPENBLAS_CORETYPE"] == "Haswell"
    # the installed numpy (2.4+ in the lock) groups its AVX-512 loops as X86_V4
    assert "X86_V4" in settings["NPY_DISABLE_CPU_FEATURES"].split()


def test_a_cpu_without_avx2_keeps_openblas_alone_and_is_named(x86):
    settings, note = tf_env.arithmetic_settings({"avx", "sse4_2"})
    assert "OPENBLAS_CORETYPE" not in settings  # Haswell's kernels would be illegal instructions there
    assert settings["ONEDNN_MAX_CPU_ISA"] == "AVX2" and "no AVX2" in note


def test_other_architectures_are_left_alone(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "aarch64")
    assert tf_env.arithmetic_settings({"asimd"}) == ({}, None)


def test_a_users_own_setting_wins_with_one_note(x86, monkeypatch):
    monkeypatch.setattr(tf_env, "cpu_flags", lambda: AVX512_CPU)
    environ = {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE", "TF_ENABLE_ONEDNN_OPTS": "0"}
    notes = tf_env.one_arithmetic(environ)
    assert environ["ONEDNN_MAX_CPU_ISA"] == "AVX512_CORE"  # kept
    assert environ["OPENBLAS_CORETYPE"] == "Haswell" and environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert notes == ["note: ONEDNN_MAX_CPU_ISA=AVX512_CORE is set in the environment and wins over the one "
                     "arithmetic's ONEDNN_MAX_CPU_ISA=AVX2: printed digits may differ from other CPUs' runs"]


def test_the_adam_check_made_on_avx2_prints_byte_for_byte_here(tmp_path):
    """The variant whose sixth decimal moved with the CPU (0.340983 on AVX-512 at Iter 14080 before
    the settings): `rnn-tf1 train` and the tutorial-shaped Adam script under `run --seed 3` (its own
    `tf.Session()`), at the automatic settings, print the check made on an AVX2-only CPU."""
    with open(ADAM_CHECK) as fh:
        check = fh.read()
    train = run_cli("train", "--optimizer", "adam", "--steps", "199", "--display-step", "10", "--log-style", "iter",
                    "--seed", "3", "--run-dir", str(tmp_path / "train"), "--data-dir", default_data_dir(), unset=NAMES)
    assert train.returncode == 0, train.stderr
    assert "".join(train.stdout.splitlines(keepends=True)[:21]) == check
    # 200 * 128 images: `while step * batch_size < training_iters` runs steps 1..199
    script = run_cli("run", os.path.join(SCRIPTS, "tutorial_adam.py"), "--seed", "3", "--data-dir", default_data_dir(),
                     "--figures", str(tmp_path), "--", str(200 * 128), unset=NAMES)
    assert script.returncode == 0, script.stderr
    assert script.stdout == train.stdout and script.stdout.count("Iter ") == 19
    assert "note:" not in train.stderr + script.stderr  # nothing of the user's was overridden


def test_seeded_runs_get_the_settings_and_unseeded_runs_leave_tensorflow_alone(tmp_path):
    probe = os.path.join(SCRIPTS, "arithmetic_probe.py")
    settings, _ = tf_env.arithmetic_settings()
    seeded = run_cli("run", probe, "--seed", "0", "--figures", str(tmp_path), unset=NAMES)
    unseeded = run_cli("run", probe, "--figures", str(tmp_path), unset=NAMES)
    assert seeded.returncode == unseeded.returncode == 0, seeded.stderr + unseeded.stderr
    expected = [f"{name}={settings[name]}" if name in settings else f"{name} unset" for name in NAMES]
    assert seeded.stdout.splitlines() == [*expected, "3.0"]
    assert unseeded.stdout.splitlines() == [*(f"{name} unset" for name in NAMES), "3.0"]


def test_a_seeded_notebooks_kernel_gets_the_settings(tmp_path):
    notebook = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import os\nfor name in {NAMES!r}:\n    print(name, os.environ.get(name, 'unset'))")]), str(notebook))
    proc = run_cli("run", str(notebook), "--seed", "1", "--out", str(tmp_path / "probe.out.ipynb"), unset=NAMES)
    assert proc.returncode == 0, proc.stderr
    settings, _ = tf_env.arithmetic_settings()
    assert proc.stdout.splitlines() == [f"{name} {settings.get(name, 'unset')}" for name in NAMES]
