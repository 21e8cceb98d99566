"""Import a pupil-outcome file from the command line, through the same code path as the API."""
import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from research.errors import DomainError
from research.models import Project
from research.models.choices import STAGE_ORDER
from research.services.outcomes import outcomes_import


class Command(BaseCommand):
    help = "Import pupil outcomes for one stage of a project (all or nothing; pupil ids are pseudonymised)."

    def add_arguments(self, parser):
        parser.add_argument("project", type=int, help="Project id.")
        parser.add_argument("file", type=Path, help="CSV or XLSX file.")
        parser.add_argument("--stage", required=True, choices=STAGE_ORDER)
        parser.add_argument("--measure", type=int, help="Measure id (long format with one score column).")
        parser.add_argument("--mode", choices=["append", "replace"], default="append")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; store nothing.")
        parser.add_argument("--user", required=True, help="Username of the project member doing the import.")
        for role, target in (("school", "school id"), ("measure", "measure id"), ("group", "intervention|comparison")):
            parser.add_argument(f"--{role}-map", default="", metavar="JSON",
                                help=f"JSON object: a {role} as the file writes it -> {target} (kept as the "
                                     "alliance's alias once stored).")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stderr.write(f"\r  storing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows", ending="")
        if done >= total:
            self.stderr.write("")
        sys.stderr.flush()

    @staticmethod
    def _maps(options) -> dict:
        maps = {}
        for role in ("school", "measure", "group"):
            text = options.get(f"{role}_map") or ""
            try:
                maps[role] = json.loads(text) if text.strip() else {}
            except ValueError:
                raise CommandError(f"--{role}-map is not valid JSON.") from None
            if not isinstance(maps[role], dict):
                raise CommandError(f"--{role}-map must be a JSON object (file value -> target).")
        return maps

    def handle(self, *args, project, file, stage, measure, mode, dry_run, user, **options):
        maps = self._maps(options)
        try:
            actor = get_user_model().objects.get(username=user)
            target = Project.objects.get(pk=project)
        except (get_user_model().DoesNotExist, Project.DoesNotExist) as error:
            raise CommandError(str(error)) from None
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        self.stderr.write(f"Reading {file.name} ({file.stat().st_size / 1_048_576:.1f} MB)...")
        try:
            result = outcomes_import(actor=actor, project=target, stage_kind=stage, data=file.read_bytes(),
                                     filename=file.name, measure_id=measure, mode=mode, dry_run=dry_run,
                                     progress=self._progress, maps=maps)
        except DomainError as error:
            raise CommandError(error.message) from None
        parsed = result.parsed
        self.stdout.write(f"Read {parsed.row_count} rows as {parsed.read_as.get('format')} "
                          f"({parsed.read_as.get('layout')} format).")
        if parsed.columns_dropped:
            self.stdout.write(f"Dropped identifying columns: {', '.join(parsed.columns_dropped)}.")
        if parsed.absent:
            self.stdout.write(f"{sum(parsed.absent.values())} score(s) blank or marked absent: no score stored.")
        for role, values in parsed.unmatched.items():
            for value in values:
                offers = ", ".join(f"{s.name} ({s.id}, {s.score}%)" for s in value.suggestions) or "none alike"
                self.stdout.write(f"  unmatched {role} '{value.value}' ({value.rows} rows): {offers}")
        if not result.ok:
            for group in result.error_groups:
                where = "whole file" if group.whole_file else f"rows {group.as_dict()['rows']}"
                values = f" (values: {', '.join(repr(v) for v in group.values)})" if group.values else ""
                self.stdout.write(f"  {where}, {group.column or '-'}: {group.message}{values}")
            raise CommandError(f"{result.error_total} problem(s); nothing was stored.")
        if dry_run:
            self.stdout.write(f"Dry run: {len(parsed.records)} records would be stored"
                              f" ({result.would_replace} replaced). Nothing was stored.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Stored {result.upload.record_count} records as upload {result.upload.pk}"
                f" ({result.upload.replaced_count} replaced)."))
