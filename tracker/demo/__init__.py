"""`tracker demo`: realistic Vietnamese demo data, made through the same services as real work.

A province with an urban district of 20 wards and a town of 11 communes (as in the seed
articles), a few thousand petitions of every kind spread over the last two years and moved
as far as they would have got by today — some overdue —, dialogue plans and sessions whose
opinions are mostly settled on the spot, and supervisions with their recommendations —
among them those of community investment supervision boards over the communes' projects.
"""
from __future__ import annotations

import datetime as dt
import gc
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from tracker import clock, database
from tracker.auth.policy import SYSTEM
from tracker.demo.investment import add_investment_boards
from tracker.demo.report_forms import add_report_forms_demo
from tracker.demo.scenarios import PROVINCE_DEPARTMENT, DemoRun
from tracker.demo.tree import PASSWORD, DemoTree, build_tree
from tracker.models import Case, Unit, User
from tracker.schemas import TransitionIn
from tracker.services import cases as case_services
from tracker.services import sweep
from tracker.services.cases import overdue_clause
from tracker.services.reorganisation import close_unit

# States in which a case waits for someone to act.
WAITING = ("received", "accepted", "verifying", "suspended", "resolved", "assigned", "issued", "answered")
# Districts were abolished on this day (two-level local government, NQ 202/2025/QH15).
REFORM = dt.date(2025, 7, 1)


def _activity(run: DemoRun, tree: DemoTree, days: list[dt.date], first_year: int, last_year: int, scale: float) -> None:
    """Petitions received on `days`, and the dialogues and supervisions of the years given, up to
    the run's horizon, on the tree as it is in that phase."""
    for day in tqdm(days, desc="Đơn thư / petitions", unit=" hồ sơ", file=sys.stderr):
        run.petition(day)
    # Dialogues scale with the petitions asked for (all host units at the default size).
    hosts = [u for u in tree.communes + tree.districts + [tree.units["TN"]] if u.closed_on is None]
    if run.not_before == dt.date.min:
        hosts = [u for u in hosts if u.kind != "province"]
    hosts = run.rng.sample(hosts, max(3, round(len(hosts) * min(1.0, scale))))
    for host in tqdm(hosts, desc="Đối thoại / dialogues", unit=" đơn vị", file=sys.stderr):
        for year in range(first_year, last_year + 1):
            run.dialogues(host, year)
    members = [u for u in tree.users if u.role == "supervisor"]
    for member in tqdm(members, desc="Giám sát / supervisions", unit=" ban", file=sys.stderr):
        for year in range(first_year, last_year + 1):
            run.supervisions(member, year)


def _reorganise(session: Session, tree: DemoTree, rng: random.Random, admin: User, reform: dt.date) -> list[str]:
    """The 2025 reorganisation as it happened: each district's own open cases are handed to its
    communes (the competent level now), its offices close into the province's departments, its
    Front committee into the province's, and the district closes with its communes moved under
    the province. Returns the tracking codes of the cases handed over."""
    moved: list[str] = []
    for district in tree.districts:
        communes = tree.communes_of[district.code]
        waiting = session.scalars(select(Case).where(Case.received_unit_id == district.id, Case.assigned_unit_id.is_(None),
                                                     Case.state == "received").order_by(Case.id))
        for case in waiting:
            commune = rng.choice(communes)
            case_services.fire(session, admin, case.id, TransitionIn(trigger="transfer", version=case.version, effective_on=reform,
                                                             data={"unit": commune.code},
                                                             note="Chuyển về xã theo chính quyền hai cấp"))
            moved.append(case.tracking_code)
        for suffix, heir in PROVINCE_DEPARTMENT.items():
            moved += close_unit(session, SYSTEM, f"{district.code}-{suffix}", on=reform, successor=heir).cases
        moved += close_unit(session, SYSTEM, f"{district.code}-MTTQ", on=reform, successor="TN-MTTQ").cases
        moved += close_unit(session, SYSTEM, district.code, on=reform, successor="TN", children_to="TN").cases
    session.flush()
    return moved


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while the demo loads. Its one transaction keeps
    every object it makes (some hundreds of thousands of ORM objects, alive until the commit),
    and the collector would otherwise walk them again and again for garbage that is not there."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def load_demo(app: Flask, *, cases: int = 3000, seed: int = 2026, if_empty: bool = False) -> None:
    """Fill an empty database with demo data, in one transaction (all of it or nothing)."""
    if cases < 0:
        raise click.BadParameter("--cases must be >= 0")
    with _rare_collections():
        _load(app, cases, seed, if_empty)


def _load(app: Flask, cases: int, seed: int, if_empty: bool) -> None:
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
        days = sorted(first_day + dt.timedelta(days=rng.randint(0, span - 1)) for _ in range(cases))
        admin = next(u for u in tree.users if u.role == "admin")
        reform = REFORM if REFORM <= today else None
        # Before the reorganisation: the three-level tree, each history stopping on its eve.
        if reform is not None and first_day < reform:
            run.today = reform - dt.timedelta(days=1)
            _activity(run, tree, [d for d in days if d < reform], first_day.year, reform.year, cases / 3000)
            sweep.run(session, run.today)
            run.today = today
        if reform is not None:
            _reorganise(session, tree, rng, admin, reform)
            # Work goes on after the reorganisation: at the successors for what was handed over, and
            # at the communes and the province for the rest.
            waiting = list(session.scalars(select(Case).where(Case.state.in_(WAITING)).order_by(Case.received_on, Case.id)))
            for case in tqdm(waiting, desc="Tiếp tục xử lý / carried on", unit=" hồ sơ", file=sys.stderr):
                run.carry_on(case, admin)
        run.not_before = reform or dt.date.min
        _activity(run, tree, [d for d in days if reform is None or d >= reform], max(first_day.year, run.not_before.year),
                  today.year, cases / 3000)
        add_investment_boards(run)
        sweep.run(session, today)
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
