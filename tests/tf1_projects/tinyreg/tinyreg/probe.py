"""Prints what a program sees of how it was started (as coverage.py's tests probe it), and logs
one line through its own logging.basicConfig on stdout."""
import json
import logging
import sys

logging.basicConfig(stream=sys.stdout, format="LOG %(levelname)s %(message)s")
spec = globals().get("__spec__")
print(json.dumps({"__name__": __name__, "__file__": __file__, "__spec__": spec.name if spec else None,
                  "__package__": __package__, "argv": sys.argv, "path0": sys.path[0]}))
logging.warning("probe done")
