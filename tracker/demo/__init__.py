"""`tracker demo`: realistic Vietnamese demo data, made through the same services as real work.

A province with an urban district of 20 wards and a town of 11 communes (as in the seed
articles), a few thousand petitions of every kind spread over the last two years and moved
as far as they would have got by today — some overdue —, dialogue plans and sessions whose
opinions are mostly settled on the spot, and supervisions with their recommendations.
"""
from __future__ import annotations

import datetime as dt
import random
import sys

import click
from flask import Flask
from sqlalchemy import func, select
from tqdm import tqdm

from tracker import clock, database
from tracker.demo.report_forms import add_report_forms_demo
from tracker.demo.scenarios import DemoRun
from tracker.demo.tree import PASSWORD, build_tree
from tracker.models import Case, Unit
from tracker.services.cases import overdue_clause


def load_demo(app: Flask, *, cases: int = 3000, seed: int = 2026, if_empty: bool = False) -> None:
    """Fill an empty database with demo data, in one transaction (all of it or nothing)."""
    if cases < 0:
        raise click.BadParameter("--cases must be >= 0")
    with database(app).transaction() as session:
        if session.scalar(select(func.count(Unit.id))):
            if if_empty:
                click.echo("Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu / the database has data; demo skipped")
                return
            raise click.ClickException("Cơ sở dữ liệu đã có dữ liệu / the database is not empty (use --if-empty)")
        today = clock.today()
        rng = random.Random(seed)
        click.echo("Tạo đơn vị và người dùng / creating units and users", err=True)
        tree = build_tree(session)
        run = DemoRun(session, tree, rng, today)
        first_day = dt.date(today.year - 1, 1, 1)
        span = (today - first_day).days
        for _ in tqdm(range(cases), desc="Đơn thư / petitions", unit=" hồ sơ", file=sys.stderr):
            run.petition(first_day + dt.timedelta(days=rng.randint(0, span - 1)))
        # Dialogues scale with the petitions asked for (all 33 host units at the default size).
        hosts = tree.communes + tree.districts
        hosts = rng.sample(hosts, max(1, round(len(hosts) * min(1.0, cases / 3000))))
        for host in tqdm(hosts, desc="Đối thoại / dialogues", unit=" đơn vị", file=sys.stderr):
            for year in (today.year - 1, today.year):
                run.dialogues(host, year)
        members = [u for u in tree.users if u.role == "supervisor"]
        for member in tqdm(members, desc="Giám sát / supervisions", unit=" ban", file=sys.stderr):
            for year in (today.year - 1, today.year):
                run.supervisions(member, year)
        # Records of the TT 06/2025 forms, so that every column has a figure for the last quarter.
        quarter = add_report_forms_demo(session, tree, today)
        session.flush()
        by_kind = dict(session.execute(select(Case.kind, func.count()).group_by(Case.kind)).all())
        overdue = session.scalar(select(func.count(Case.id)).where(overdue_clause(today))) or 0
    click.echo(f"Đã tạo {sum(by_kind.values())} hồ sơ, {overdue} quá hạn / created {sum(by_kind.values())} cases, "
               f"{overdue} overdue: " + ", ".join(f"{kind} {n}" for kind, n in sorted(by_kind.items())))
    click.echo(f"Biểu mẫu TT 06/2025 có số liệu mọi cột cho kỳ / the TT 06/2025 forms have figures in every column for "
               f"{quarter.token} ({quarter.start:%d/%m/%Y}-{quarter.end:%d/%m/%Y})")
    click.echo(f"Đăng nhập / logins (mật khẩu / password: {PASSWORD}):")
    for username, role, unit in tree.logins:
        click.echo(f"  {username:<16} {role:<10} {unit}")
