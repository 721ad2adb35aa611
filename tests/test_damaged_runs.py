"""Damaged run folders: every command that reads one says what is wrong in one line, exit 1,
no traceback, and changes nothing (issue #16).

One small run is trained once (30 steps, checkpoints at 10, 20, 30); each test copies it,
damages the copy the way folders get damaged (truncated, half-deleted, edited by hand) and
drives the real command line on it.
"""
import hashlib
import json
import os
import pathlib
import shutil

import pytest

from conftest import cli_in_process, cli_trained_run, run_cli

CKPT = "checkpoint"
DATA = os.path.join(CKPT, "model.ckpt-30.data-00000-of-00001")
INDEX = os.path.join(CKPT, "model.ckpt-30.index")
PROGRESS = os.path.join(CKPT, "progress.json")
STATE = os.path.join(CKPT, "data-state-30.npz")


def snapshot(folder):
    """{relative path: sha256 or 'link -> target'} of everything below `folder` (symlinks not followed)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = os.path.join(root, name)
            if os.path.islink(path):
                out[os.path.relpath(path, folder)] = "link -> " + os.readlink(path)
            else:
                with open(path, "rb") as fh:
                    out[os.path.relpath(path, folder)] = hashlib.sha256(fh.read()).hexdigest()
        out.update({os.path.relpath(os.path.join(root, d), folder) + "/": "dir" for d in dirs})
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return pathlib.Path(cli_trained_run(tmp_path_factory, "trained", "--steps", "30", "--display-step", "10",
                                        "--checkpoint-every", "10", "--seed", "0"))


def truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])


def edit_json(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


# (case id, how the copy is damaged, text the one line must hold, whether TensorFlow's reader finds it)
DAMAGE = [
    ("data-truncated", lambda run: truncate(run / DATA), [f"{DATA[len(CKPT) + 1:-len('.data-00000-of-00001')]}",
                                                         "checkpoint is damaged or incomplete"], True),
    ("data-missing", lambda run: (run / DATA).unlink(), [DATA.split("/")[-1], "checkpoint file is missing"], False),
    ("index-missing", lambda run: (run / INDEX).unlink(), ["model.ckpt-30.index", "checkpoint file is missing"],
     False),
    ("progress-names-absent-checkpoint",
     lambda run: edit_json(run / PROGRESS, step=10, model="model.ckpt-10", data_state="data-state-10.npz",
                           history=[[1, 2.5, 0.1, 4.0], [10, 2.2, 0.2, 3.0]], log_lines=2),
     ["model.ckpt-10.index", "checkpoint file is missing (progress.json names step 10)"], False),
    ("progress-not-json", lambda run: (run / PROGRESS).write_text('{"step": 30,'),
     ["progress.json", "is not valid JSON"], False),
    ("data-state-truncated", lambda run: truncate(run / STATE, 0.3),
     ["data-state-30.npz", "shuffler's state is damaged"], False),
    ("config-not-json", lambda run: (run / "config.json").write_text("{'steps': 30}"),
     ["config.json", "is not valid JSON"], False),
    ("config-not-object", lambda run: (run / "config.json").write_text("[30, 128]"),
     ["config.json", "is not a JSON object (it is a JSON array)"], False),
    ("config-steps-below-checkpoint", lambda run: edit_json(run / "config.json", steps=5),
     ["config.json", "steps is 5, but the checkpoint model.ckpt-30 is from step 30"], False),
    ("config-wrong-type", lambda run: edit_json(run / "config.json", learning_rate="fast"),
     ["config.json", "learning_rate must be a JSON float"], False),
    ("config-other-cell", lambda run: edit_json(run / "config.json", cell="gru"),
     ["model.ckpt-30", "holds no variable rnn/gru_cell/", "do not belong together"], True),
]

# Each command that reads a run folder; RUN is replaced by the damaged copy, OUT by a new path in tmp_path.
COMMANDS = {
    "evaluate": ["evaluate", "RUN"],
    "predict": ["predict", "RUN", "--test-index", "0"],
    "resume": ["train", "--resume", "RUN"],
    "gradients": ["gradients", "RUN", "--out", "OUT/g.png"],
    "export": ["export", "RUN", "--format", "keras", "--out", "OUT/m.keras"],
}
CONFIG_ONLY = {"compare": ["compare", "RUN", "--no-band", "--out", "OUT/c.png"], "plot": ["plot", "RUN"]}


def cases():
    for case_id, damage, needles, needs_tf in DAMAGE:
        # The TensorFlow-level cases cost a TensorFlow start each: every command still gets them,
        # the cheap JSON/file cases run for every command too.
        commands = dict(COMMANDS)
        if case_id.startswith("config-") and not needs_tf and case_id != "config-steps-below-checkpoint":
            commands.update(CONFIG_ONLY)  # compare and plot read config.json (and train.log), no checkpoint
        for name, argv in commands.items():
            yield pytest.param(damage, needles, argv, id=f"{case_id}-{name}")


def assert_one_line_error(proc, needles):
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "Variable" not in proc.stderr, proc.stderr
    # TensorFlow's start-up notices may come first (README); the error is one line, and the last
    ours = [line for line in proc.stderr.splitlines() if line.startswith("rnn-tf1: error:")]
    assert len(ours) == 1 and ours[0] == proc.stderr.strip().splitlines()[-1], proc.stderr
    for needle in needles:
        assert needle in ours[0], (needle, ours[0])
    return ours[0]


@pytest.mark.parametrize("damage, needles, argv", list(cases()))
def test_damaged_run_folder_one_line_nothing_changed(trained, tmp_path, damage, needles, argv):
    run = tmp_path / "run"
    shutil.copytree(trained, run, symlinks=True)
    (run / "result.json").unlink()  # as if killed after its last checkpoint: resumable, evaluable
    damage(run)
    (tmp_path / "OUT").mkdir()
    before = snapshot(tmp_path)
    proc = cli_in_process(*[str(run) if a == "RUN" else a.replace("OUT", str(tmp_path / "OUT")) for a in argv])
    line = assert_one_line_error(proc, needles)
    assert str(run) in line  # the file is named with the run folder's path
    assert snapshot(tmp_path) == before


def test_an_undamaged_copy_still_resumes_and_evaluates(trained, tmp_path):
    """The checks refuse only damage: the same copy, undamaged, is accepted by the same commands."""
    run = tmp_path / "run"
    shutil.copytree(trained, run, symlinks=True)
    (run / "result.json").unlink()
    proc = run_cli("train", "--resume", str(run), "--steps", "5", "--seed", "9", "--run-dir", str(tmp_path / "x"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Optimization Finished!\nTesting Accuracy: ")
    assert "ignoring --steps, --seed, --run-dir" in proc.stderr and not (tmp_path / "x").exists()
    proc = run_cli("evaluate", str(run))
    assert proc.returncode == 0, proc.stderr
    proc = cli_in_process("gradients", run, "--out", tmp_path / "g.png")  # a trained run's ||dL/dh_t||
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1].startswith("last/first"), proc.stderr
    assert (tmp_path / "g.png").exists() and (tmp_path / "g.json").exists()


def test_symlinks_planted_in_a_run_folder_are_not_followed(trained, tmp_path):
    """Names the old writers used for their temporary files (and the outputs themselves) as symlinks
    to files outside the run: evaluate and plot replace the links, never the files they point to."""
    run = tmp_path / "run"
    shutil.copytree(trained, run, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    planted = ["evaluation.json.tmp", "confusion.png.tmp.png", "chart.png.tmp.png", "evaluation.json",
               "confusion.png"]
    for name in planted:
        (outside / name).write_text(f"precious {name}\n")
        (run / name).symlink_to(outside / name)
    before = snapshot(outside)
    for argv in (["evaluate", str(run)], ["plot", str(run)]):
        proc = run_cli(*argv)
        assert proc.returncode == 0, proc.stderr
    assert snapshot(outside) == before
    for name in ("evaluation.json", "confusion.png"):
        assert not (run / name).is_symlink() and (run / name).stat().st_size > 100
    assert json.loads((run / "evaluation.json").read_text())["full_test_accuracy"] > 0
    assert not [n for n in os.listdir(run) if ".rnn-tf1-tmp-" in n]


def test_atomic_writer_makes_unpredictable_exclusive_names(tmp_path):
    from rnn_tf1 import run_files
    target = tmp_path / "out.json"
    seen = set()
    real_replace = os.replace

    def spy(src, dst):
        seen.add(os.path.basename(src))
        assert os.path.dirname(os.path.abspath(src)) == str(tmp_path) and not os.path.islink(src)
        real_replace(src, dst)

    import unittest.mock
    with unittest.mock.patch.object(run_files.os, "replace", spy):
        for _ in range(3):
            run_files.write_text_atomically(str(target), "{}\n")
    assert len(seen) == 3 and all(n.startswith(".out.json.rnn-tf1-tmp-") for n in seen)  # a new name each time
    assert os.listdir(tmp_path) == ["out.json"] and oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("damage, needle", [
    (lambda log: log.unlink(), "the run's log is missing (the checkpoint needs its first {lines} lines)"),
    (lambda log: log.write_text("Step 1, x\n"), "the run's log has 1 lines, the checkpoint of step 30 was written "
                                                 "after {lines}"),
    (lambda log: log.write_bytes(b"\xff\xfe\x00garbage\n" * 9), "the run's log is not UTF-8 text"),
])
def test_resume_with_a_damaged_log(trained, tmp_path, damage, needle):
    run = tmp_path / "run"
    shutil.copytree(trained, run, symlinks=True)
    (run / "result.json").unlink()
    lines = json.loads((run / PROGRESS).read_text())["log_lines"]
    assert lines == 4  # Step 1, 10, 20, 30
    damage(run / "train.log")
    before = snapshot(tmp_path)
    proc = run_cli("train", "--resume", str(run))
    assert_one_line_error(proc, [str(run / "train.log"), needle.format(lines=lines)])
    assert snapshot(tmp_path) == before
