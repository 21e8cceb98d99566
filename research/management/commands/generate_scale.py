"""Build synthetic data at scale (deterministic) for benchmarks and load tests."""
import time

from django.core.management.base import BaseCommand

from research.scale import ScaleSpec, generate_scale


class Command(BaseCommand):
    help = "Generate alliances, schools, teachers, projects in every status and outcome rows (all synthetic)."

    def add_arguments(self, parser):
        defaults = ScaleSpec()
        parser.add_argument("--alliances", type=int, default=defaults.alliances)
        parser.add_argument("--schools", type=int, default=defaults.schools)
        parser.add_argument("--projects", type=int, default=defaults.projects)
        parser.add_argument("--outcome-rows", type=int, default=defaults.outcome_rows)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--prefix", default="scale", help="Name prefix, so several runs can coexist.")

    def handle(self, *args, alliances, schools, projects, outcome_rows, seed, prefix, **options):
        started = time.perf_counter()
        spec = ScaleSpec(alliances=alliances, schools=schools, projects=projects, outcome_rows=outcome_rows,
                         seed=seed)
        counts = generate_scale(spec, prefix=prefix, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"Generated {counts} in {time.perf_counter() - started:.0f} s. Teacher logins: {prefix}.t0 ... "
            "(password 'scale')."))
