"""pytest under rnn-tf1 (`rnn-tf1 run -m pytest`, `python -m pytest` under `rnn-tf1 exec`): a test
stopped by a TF1 name not provided is reported with the one line `FILE:LINE: NAME is not provided
by rnn-tf1's TF1 environment; HINT`, not a page of frames from inside rnn_tf1.  The test still
fails (or errors, at collection or in a fixture): pytest's counts and exit status are its own.
Loaded by common._pytest_rule; never imports TensorFlow."""
from __future__ import annotations

import os

import pytest

from rnn_tf1.launch import common


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, common.tf1_errors()):
        report.longrepr = common.one_line(excinfo.value, os.getcwd(), str(item.path))
    return report

