"""`make bench`: performance figures measured side by side in one run, printed as ratios."""
from .setup import bench_project, start_django, stop_django


def main() -> None:
    connection, old_name = start_django()
    try:
        from . import bombs, charts, evidence_map, import_compare, imports, jobs, lists, synthesis

        print(f"database {connection.vendor}, connections kept {connection.settings_dict['CONN_MAX_AGE']} s",
              flush=True)

        project, measure, lead = bench_project()
        for line in imports.run(project, measure, lead):
            print(line, flush=True)
        for line in import_compare.run(project, measure, lead):
            print(line, flush=True)
        for line in jobs.run(project, measure, lead):
            print(line, flush=True)
        for line in lists.run():
            print(line, flush=True)
        for line in charts.run():
            print(line, flush=True)
        for line in synthesis.run():
            print(line, flush=True)
        for line in evidence_map.run():  # last of the database benches: it adds 50,000 published findings
            print(line, flush=True)
        for line in bombs.run():
            print(line, flush=True)
        from ..stats.simulation import lines as simulation_lines, run as simulate

        for line in simulation_lines(simulate()):
            print(line, flush=True)
    finally:
        stop_django(connection, old_name)


if __name__ == "__main__":
    main()
