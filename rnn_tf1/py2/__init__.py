"""Python-2-era TF1 code, unchanged, with Python 2's meaning (docs/python2.md).

- `translate.evidence(source, filename)`: why a file is Python 2, or None (it compiles as Python 3);
- `translate.translate(source, filename)`: its Python-3 source with Python 2's meaning, line for
  line, and the constructs translated (rules.py: each rule small and named; runtime.py: the
  helpers the translation calls);
- `importer.install(root)`: Python 2's module and builtin names as fallbacks, and the import hook
  that translates the program's own Python-2 modules under `root`; `importer.run_main(...)` runs a
  Python-2 script as __main__; `importer.SESSION` holds what was translated (for `--report`);
- `notebook`: which cells of a notebook are Python 2, and the kernel's cell transformer;
- `modules`: Python 2's module names and old pickles.
"""
