"""The forms of starting TF1 code (rnn_tf1/launch/): `run SCRIPT`, `run -m MODULE`, `exec -- COMMAND`
start a program exactly as `python` does (a probe compared with plain `python`, as coverage.py's
tests do), and a small TF1 project written as a fixture (tests/tf1_projects/) runs the way its users
run it: `-m pkg.train --flags`, its test suite under pytest and unittest (counts, exit status, the
one line for a TF1 name not provided), a shell script calling two Python processes, a spawn child.

Each subprocess is a process because that is the point (a start-up); each is run once per module
and shared by the asserts that read it.  The fixture project is copied to a temporary folder
first: nothing is written into the repository."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

PROJECTS = os.path.join(REPO, "tests", "tf1_projects")
NOT_PROVIDED = "tensorflow.contrib.ffmpeg is not provided by rnn-tf1's TF1 environment"


def _python(*args, cwd, env=None, timeout=600):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _rnn_tf1(*args, cwd, env=None):
    return _python("-m", "rnn_tf1", *args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of tests/tf1_projects/ in a temporary folder (its `tinyreg` project and failing suite)."""
    root = tmp_path_factory.mktemp("projects")
    shutil.copytree(PROJECTS, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return root


# --- The probe: what a program sees of how it was started, under python and under each form. ---

FORMS = {
    # one probe file: as a script by its path, as a module of its package
    "script": (["tinyreg/probe.py", "a", "-b"], ["run", "tinyreg/probe.py", "--", "a", "-b"],
               ["exec", "--", "python", "tinyreg/probe.py", "a", "-b"]),
    "module": (["-m", "tinyreg.probe", "a", "-b"], ["run", "-m", "tinyreg.probe", "a", "-b"],
               ["exec", "--", "python", "-m", "tinyreg.probe", "a", "-b"]),
}


@pytest.fixture(scope="module")
def probes(project):
    """{(form, starter): CompletedProcess} for plain python, rnn-tf1 run and rnn-tf1 exec."""
    cwd = project / "tinyreg"
    seen = {}
    for form, (plain, run, exec_) in FORMS.items():
        seen[form, "python"] = _python(*plain, cwd=cwd)
        seen[form, "run"] = _rnn_tf1(*run, cwd=cwd)
        seen[form, "exec"] = _rnn_tf1(*exec_, cwd=cwd)
    return seen


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("starter", ["run", "exec"])
def test_a_program_sees_what_it_sees_under_python(probes, project, form, starter):
    """__name__, __file__, __spec__, __package__, sys.argv, sys.path[0] and the program's own
    logging.basicConfig(stream=sys.stdout) line: as under plain python, byte for byte."""
    plain, ours = probes[form, "python"], probes[form, starter]
    assert plain.returncode == 0 and ours.returncode == 0, ours.stderr
    assert ours.stdout == plain.stdout
    seen = json.loads(plain.stdout.splitlines()[0])
    folder = str(project / "tinyreg")  # the current folder; the probe is tinyreg/probe.py in it
    probe = os.path.join(folder, "tinyreg", "probe.py")
    assert plain.stdout.splitlines()[1] == "LOG WARNING probe done"
    if form == "module":  # what python -m gives: the module's spec, its package, argv[0] its file
        assert seen["path0"] == folder
        assert seen["__spec__"] == "tinyreg.probe" and seen["__package__"] == "tinyreg"
        assert seen["argv"] == [probe, "a", "-b"] == [seen["__file__"], "a", "-b"]
    else:  # a script: its own folder first on sys.path, argv[0] as typed
        assert seen["path0"] == os.path.dirname(probe)
        assert seen["__spec__"] is None and seen["__package__"] is None
        assert seen["argv"] == ["tinyreg/probe.py", "a", "-b"] and seen["__file__"] == probe


# --- The project's own commands and test suites. ---

@pytest.fixture(scope="module")
def suites(project):
    """The failing suite and the project's tests under `run -m pytest`, and the failing suite under
    `exec -- python -m unittest discover` (the start-up hook's path)."""
    pytest_run = _rnn_tf1("run", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tinyreg/tinyreg/model_test.py",
                          "failing_suite/checks_test.py", cwd=project)
    unittest_run = _rnn_tf1("exec", "--", "python", "-m", "unittest", "discover", "-s", "failing_suite",
                            "-p", "*_test.py", cwd=project)
    return pytest_run, unittest_run


def test_pytest_through_run_m_keeps_its_counts_and_status_and_says_one_line(suites):
    proc = suites[0]
    assert proc.returncode == 1, proc.stderr  # pytest's own status: tests failed
    # 3 of the project's tests pass, 1 of the failing suite's; TF's test_session() is collected
    # and skipped as "Not a test" in each class, as under TF 1.15.
    assert proc.stdout.rstrip().splitlines()[-1].startswith("2 failed, 4 passed, 2 skipped")
    # The test file relative to the current folder, the line that reached the name.
    assert f"\nfailing_suite/checks_test.py:14: {NOT_PROVIDED}" in proc.stdout
    assert "rnn_tf1/tf1/namespace.py" not in proc.stdout  # no frames from inside rnn_tf1
    assert "assertAllEqual" in proc.stdout  # a plain failure keeps pytest's own report


def test_unittest_under_exec_keeps_its_counts_and_status_and_says_one_line(suites):
    proc = suites[1]
    assert proc.returncode == 1, proc.stderr
    assert "Ran 4 tests" in proc.stderr and "FAILED (failures=1, errors=1, skipped=1)" in proc.stderr
    assert f"\nfailing_suite/checks_test.py:14: {NOT_PROVIDED}" in proc.stderr
    assert "rnn_tf1/tf1/namespace.py" not in proc.stderr


@pytest.fixture(scope="module")
def shell_run(project, tmp_path_factory):
    """`rnn-tf1 exec --seed 3 --report R -- sh run.sh CKPT`: train, then eval in a second process."""
    out = tmp_path_factory.mktemp("shell")
    proc = _rnn_tf1("exec", "--seed", "3", "--report", str(out / "names.md"), "--", "sh", "run.sh",
                    str(out / "ckpt"), cwd=project / "tinyreg")
    return proc, out


def test_a_shell_script_calling_python_twice_gets_tf1_in_each_process(shell_run):
    proc, out = shell_run
    assert proc.returncode == 0, proc.stderr
    train, saved, evaluated = proc.stdout.splitlines()
    assert train.startswith("train: loss ") and saved == "train: saved model.ckpt-30"
    # The second process restored the first one's checkpoint: step 30, the fitted line y = 3x - 1.
    step, w, b = evaluated.split()[2], float(evaluated.split()[4]), float(evaluated.split()[6])
    assert step == "30" and abs(w - 3.0) < 0.05 and abs(b + 1.0) < 0.05
    assert evaluated.split()[-1] == train.split()[-4]  # the same final loss, computed in each process
    reports = sorted(p.name for p in out.glob("names.*.md"))
    assert len(reports) == 2 and len(list(out.glob("names.*.json"))) == 2  # one report per process
    names = [{row["name"] for row in json.loads((out / r.replace(".md", ".json")).read_text())["names"]}
             for r in reports]
    assert all("tf.train.Saver" in n and "tf.placeholder" in n for n in names), names
    assert not (out / "names.md").exists()


def test_a_spawn_child_that_imports_tensorflow_gets_tf1(project):
    proc = _rnn_tf1("exec", "--", "python", "spawn_child.py", cwd=project / "tinyreg")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "spawn child: tf.placeholder True, eager False, exit 0\n"


# --- Bad input: one line each, nothing else. ---

@pytest.mark.parametrize("module, line", [
    ("nosuch", "rnn-tf1: No module named nosuch\n"),
    ("nosuch.sub", "rnn-tf1: Error while finding module specification for 'nosuch.sub' (ModuleNotFoundError: "
                   "No module named 'nosuch')\n"),
    ("tinyreg.nosuch", "rnn-tf1: No module named tinyreg.nosuch\n"),
    ("tinyreg", None),
])
def test_run_m_of_a_module_python_cannot_run_is_python_s_one_line(project, module, line):
    if module == "tinyreg":  # a package without __main__: Python's own sentence
        (project / "tinyreg" / "tinyreg" / "__main__.py").rename(project / "tinyreg" / "main_kept.py")
        line = ("rnn-tf1: No module named tinyreg.__main__; 'tinyreg' is a package and cannot be "
                "directly executed\n")
    try:
        proc = _rnn_tf1("run", "-m", module, cwd=project / "tinyreg")
        plain = _python("-m", module, cwd=project / "tinyreg")
    finally:
        if module == "tinyreg":
            (project / "tinyreg" / "main_kept.py").rename(project / "tinyreg" / "tinyreg" / "__main__.py")
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", line)  # before TensorFlow loads: nothing else
    assert plain.stderr.endswith(line.replace("rnn-tf1:", ""))  # python's words, after its own prefix


def test_exec_of_a_command_that_does_not_exist_is_one_line_and_127(tmp_path):
    proc = _rnn_tf1("exec", "--", "no-such-command-here", "x", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (127, "", "rnn-tf1: error: no-such-command-here: "
                                                                    "command not found\n")
    assert list(tmp_path.iterdir()) == []


def test_the_hook_in_a_python_without_rnn_tf1_does_nothing_and_says_nothing(tmp_path):
    """Another interpreter on PATH (here: the base Python, without TensorFlow or rnn_tf1's packages)
    under exec: its own output and errors, untouched."""
    base = getattr(sys, "_base_executable", sys.executable)
    plain = subprocess.run([base, "-c", "import tensorflow"], capture_output=True, text=True, cwd=tmp_path)
    proc = _rnn_tf1("exec", "--", base, "-c", "print('ok'); import tensorflow", cwd=tmp_path)
    assert proc.stdout == "ok\n" and proc.returncode == plain.returncode == 1
    assert proc.stderr.splitlines()[-1] == plain.stderr.splitlines()[-1] == \
        "ModuleNotFoundError: No module named 'tensorflow'"
    assert "rnn-tf1" not in proc.stderr and "rnn_tf1" not in proc.stderr


def test_an_interactive_backend_is_accepted_without_a_screen_and_said_once(tmp_path, monkeypatch, caplog):
    """matplotlib.use('TkAgg') / plt.switch_backend('QtAgg') in a program under rnn-tf1: no error,
    figures stay on Agg (plt.show() saves them), one note."""
    import logging

    import matplotlib
    import matplotlib.pyplot as plt
    from rnn_tf1.launch import common
    for module, name in ((matplotlib, "use"), (plt, "switch_backend"), (plt, "show"), (plt, "waitforbuttonpress")):
        monkeypatch.setattr(module, name, getattr(module, name))  # restored after the test
    backend = matplotlib.get_backend()
    try:
        common.headless_pyplot(str(tmp_path), "lesson.py")
        with caplog.at_level(logging.INFO, logger="rnn_tf1"):
            matplotlib.use("TkAgg")
            plt.switch_backend("QtAgg")
            plt.plot([1, 2, 3])
            plt.show()
        assert matplotlib.get_backend().lower() == "agg"
        notes = [r.getMessage() for r in caplog.records if "matplotlib backend" in r.getMessage()]
        assert notes == ["note: matplotlib backend TkAgg: " + common.INTERACTIVE_BACKENDS_NOTE]
        assert (tmp_path / "lesson-figure1.png").stat().st_size > 1000 and plt.get_fignums() == []
    finally:
        plt.close("all")
        matplotlib.use.__wrapped__(backend)


def test_run_m_stops_on_a_name_not_provided_with_one_line_naming_the_project_file(project):
    """The line of the package's own module that reached it, relative to the current folder; what
    the module printed before stays on stdout."""
    proc = _rnn_tf1("run", "-m", "tinyreg.legacy", cwd=project / "tinyreg")
    assert (proc.returncode, proc.stdout) == (1, "data (2, 1)\n")
    assert proc.stderr.splitlines()[-1].startswith(f"rnn-tf1: error: tinyreg/legacy.py:8: {NOT_PROVIDED}")
    assert "Traceback" not in proc.stderr


def test_exec_passes_the_environment_through_and_chains_to_the_users_sitecustomize(tmp_path):
    """The caller's variables (the lead's one-arithmetic settings among them) reach the command,
    --seed adds PYTHONHASHSEED, `python` is this environment's, and a sitecustomize of the user's
    own still runs; nothing is written into the folder."""
    own = tmp_path / "own"
    own.mkdir()
    (own / "sitecustomize.py").write_text("import os\nos.environ['USER_SITECUSTOMIZE'] = 'ran'\n")
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": os.pathsep.join([os.environ.get("PYTHONPATH", ""), str(own)]),
           "TF_ENABLE_ONEDNN_OPTS": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    env.pop("PYTHONHASHSEED", None)
    program = ("import os, sys; print(os.environ['PYTHONHASHSEED'], os.environ['TF_ENABLE_ONEDNN_OPTS'], "
               "os.environ['ONEDNN_MAX_CPU_ISA'], os.environ.get('USER_SITECUSTOMIZE'), sys.prefix == "
               + repr(sys.prefix) + ")")
    proc = subprocess.run([sys.executable, "-m", "rnn_tf1", "exec", "--seed", "5", "--", "python", "-c", program],
                          capture_output=True, text=True, cwd=work, timeout=120,
                          env={k: v for k, v in {**os.environ, **env}.items() if k != "PYTHONHASHSEED"})
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "5 0 AVX2 ran True\n", "")
    assert list(work.iterdir()) == []
