"""`tracker import register FILE.xlsx --unit CODE [--dry-run]`: move an office's old register in."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import Flask
from tqdm import tqdm

from tracker import database
from tracker.auth.policy import SYSTEM
from tracker.cli import main, with_app
from tracker.imports.register import RegisterError


@main.group("import")
def import_() -> None:
    """Import old registers."""


@import_.command("register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="the unit whose register it is")
@click.option("--dry-run", is_flag=True, help="check every row, write nothing")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where to write the rows not taken (CSV); default FILE.loi.csv beside the register")
@with_app
def import_register(app: Flask, path: Path, unit_code: str, dry_run: bool, report_path: Path | None) -> None:
    """Create the cases, petitioners and visits of a reception or petition register (Mẫu 03/TCD and
    real exports); safe to run twice; every row not taken is written to the report with its reason."""
    from tracker.services.imports import import_register as run

    def progress(rows):  # type: ignore[no-untyped-def]
        return tqdm(rows, desc="Nhập sổ / importing", unit="dòng", file=sys.stderr)

    session = database(app).sessions()
    try:
        try:
            report = run(session, SYSTEM, path, unit_code, progress=progress)
        except RegisterError as error:
            raise click.ClickException(str(error)) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()
    target = report_path or path.with_suffix(".loi.csv")
    with target.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["dòng / row", "lý do / reason", "nội dung dòng / row values"])
        for problem in report.problems:
            writer.writerow([problem.line, problem.reason, " | ".join(v for v in problem.values if v)])
    verb = "Sẽ nhập / would import" if dry_run else "Đã nhập / imported"
    click.echo(f"{verb} {report.created} hồ sơ / cases from {report.rows} dòng / rows; "
               f"{report.already_imported} đã nhập trước / already imported; {len(report.problems)} dòng lỗi / rows not taken"
               + (f" -> {target}" if report.problems else ""))
