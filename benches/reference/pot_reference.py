"""POT on the inputs of dotae-ot's criterion benches: regenerates the fixtures of the
agreement tests and, with --time, times ot.emd2, ot.sinkhorn2 and
ot.bregman.convolutional_barycenter2d (medians), for the side-by-side table in docs/ot.md.

    python3 benches/reference/pot_reference.py --time --repeats 7
    cargo bench -p dotae-ot --bench emd --bench entropic --bench dynamic

Needs numpy and POT (pip install POT); never a CI or user dependency. The two parts are
pot_emd.py (exact OT) and pot_entropic.py (Sinkhorn, barycentres); POT has no dynamic solver.
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for part in ("pot_emd.py", "pot_entropic.py"):
        print(f"== {part}", flush=True)
        subprocess.run([sys.executable, str(HERE / part), *sys.argv[1:]], check=True)
