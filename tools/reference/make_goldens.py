"""Regenerates every golden fixture: runs main() of each ops_*.py and
model_*.py module beside this file, in name order (or only those named on
the command line, e.g. `make_goldens.py ops_conv2d`)."""
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("*.py") if p.stem.startswith(("ops_", "model_")))
for name in names:
    print(f"== {name}")
    importlib.import_module(name).main()
