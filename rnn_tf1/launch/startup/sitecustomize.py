# rnn-tf1's start-up hook (`rnn-tf1 exec -- COMMAND` puts this folder first on PYTHONPATH).
#
# Python imports `sitecustomize` at start-up.  This one does nothing unless RNN_TF1_LAUNCH is set;
# then it puts a finder first on sys.meta_path that waits, at the cost of one comparison per import,
# for the process's first `import tensorflow` (and pytest's configuration module), and only then
# imports rnn_tf1 to install TF 1.x's API (rnn_tf1/launch/hook.py).  A process that never imports
# TensorFlow is untouched; a Python without rnn_tf1 (another interpreter on PATH) finds nothing and
# says nothing.  Any sitecustomize this one hides (later on sys.path) is run afterwards.
# Written without newer syntax: any Python that meets this file must be able to read it.
import os
import sys


class _RnnTf1StartupFinder(object):
    names = ("tensorflow", "_pytest.config")

    def find_spec(self, name, path=None, target=None):
        if name not in self.names:
            return None
        try:
            from rnn_tf1.launch import hook
        except Exception:  # not this environment's Python: leave every import alone
            try:
                sys.meta_path.remove(self)
            except ValueError:
                pass
            return None
        return hook.find_spec(self, name, path, target)

    def find_module(self, name, path=None):  # Python 2's finder protocol: nothing
        return None


def _chain_hidden_sitecustomize():
    # The import system's own objects, already loaded: no module is imported for this.
    bootstrap = sys.modules.get("_frozen_importlib")
    external = sys.modules.get("_frozen_importlib_external")
    if bootstrap is None or external is None:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = external.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = bootstrap.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)

if os.environ.get("RNN_TF1_LAUNCH") is not None and sys.version_info >= (3, 10):
    sys.meta_path.insert(0, _RnnTf1StartupFinder())
_chain_hidden_sitecustomize()
