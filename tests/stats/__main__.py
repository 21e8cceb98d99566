"""`make stats-check`: the simulation check of the headline effect (bias and CI coverage)."""
import sys

from .simulation import lines, run


def main() -> int:
    result = run()
    for line in lines(result):
        print(line, flush=True)
    ok = abs(result["bias"]) < 0.02 and 0.93 <= result["coverage"] <= 0.97
    print("stats-check " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
