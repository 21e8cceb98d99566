"""Build synthetic data at scale (deterministic) for benchmarks and load tests."""
import time

from django.core.management.base import BaseCommand

from research.scale import ScaleSpec, generate_scale
from research.scale_national import NationalSpec, generate_national


class Command(BaseCommand):
    help = "Generate alliances, schools, teachers, projects in every status and outcome rows (all synthetic)."

    def add_arguments(self, parser):
        defaults = ScaleSpec()
        parser.add_argument("--alliances", type=int,
                            help=f"default {defaults.alliances} ({NationalSpec.alliances:,} national)")
        parser.add_argument("--schools", type=int,
                            help=f"default {defaults.schools} ({NationalSpec.schools:,} national)")
        parser.add_argument("--projects", type=int, default=defaults.projects)
        parser.add_argument("--outcome-rows", type=int, default=defaults.outcome_rows)
        parser.add_argument("--seed", type=int)
        parser.add_argument("--prefix", default="scale", help="Name prefix, so several runs can coexist.")
        parser.add_argument("--national", action="store_true", help=(
            "Instead: the national network (24,000 schools, 2,000 alliances, 100 hubs, 50,000 published findings; "
            "--schools, --alliances and --seed apply when given), for the evidence map and hub synthesis."))
        parser.add_argument("--hubs", type=int, default=NationalSpec.hubs)
        parser.add_argument("--findings", type=int, default=NationalSpec.findings)

    def handle(self, *args, alliances, schools, projects, outcome_rows, seed, prefix, national, hubs, findings,
               **options):
        started = time.perf_counter()
        if national:
            given = {name: value for name, value in (("alliances", alliances), ("schools", schools), ("seed", seed))
                     if value is not None}
            counts = generate_national(NationalSpec(hubs=hubs, findings=findings, **given),
                                       prefix="national" if prefix == "scale" else prefix, progress=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Generated {counts} in {time.perf_counter() - started:.0f} s."))
            return
        defaults = ScaleSpec()
        spec = ScaleSpec(alliances=alliances or defaults.alliances, schools=schools or defaults.schools,
                         projects=projects, outcome_rows=outcome_rows, seed=defaults.seed if seed is None else seed)
        counts = generate_scale(spec, prefix=prefix, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"Generated {counts} in {time.perf_counter() - started:.0f} s. Teacher logins: {prefix}.t0 ... "
            "(password 'scale')."))
