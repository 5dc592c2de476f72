"""The demo's community investment supervision boards (DOMAIN.md §6): in the wards and communes
that have their own logins, a board set up by the Front committee, the investment projects the
commune carries out (roads, schools, irrigation, resettlement), and the board's supervisions of
them with recommendations to the investor or the competent office, answered and accepted or
returned, through the real services."""
from __future__ import annotations

import datetime as dt

from tracker.demo.scenarios import DemoRun
from tracker.demo.tree import WARDS_WITH_USERS
from tracker.models import Project, Unit, User
from tracker.schemas import ProjectIn, RecommendationIn, SupervisionIn
from tracker.services import activity, projects

# (name, investor: "commune" for the commune's People's Committee or "district" for the town's
# project management office, budget in millions of đồng, months planned)
PROJECTS = (
    ("Nâng cấp, mở rộng đường giao thông nông thôn liên ấp", "commune", 4_500, 10),
    ("Xây dựng trường mầm non (điểm chính)", "district", 12_800, 18),
    ("Kiên cố hóa kênh mương nội đồng", "commune", 2_300, 8),
    ("Bồi thường, hỗ trợ tái định cư dự án mở rộng quốc lộ", "district", 36_000, 24),
    ("Cải tạo nhà văn hóa khu phố", "commune", 850, 5),
    ("Hệ thống thoát nước và vỉa hè tuyến đường chính", "district", 9_600, 14),
)
SUBJECTS = (
    "Giám sát chất lượng thi công và tiến độ công trình",
    "Giám sát việc công khai dự toán, nguồn vốn và nhà thầu",
    "Giám sát việc bồi thường, hỗ trợ và bố trí tái định cư",
    "Giám sát việc bảo vệ môi trường tại công trường",
    "Giám sát nghiệm thu, bàn giao công trình",
)
RECOMMENDATIONS = (
    "Đề nghị chủ đầu tư yêu cầu nhà thầu khắc phục các đoạn mặt đường bị nứt, lún trước khi nghiệm thu.",
    "Đề nghị niêm yết công khai dự toán, tiến độ và đơn vị thi công tại trụ sở và nhà văn hóa ấp.",
    "Đề nghị che chắn vật liệu, tưới nước chống bụi trên tuyến đường vận chuyển.",
    "Đề nghị đẩy nhanh chi trả tiền bồi thường cho các hộ đã bàn giao mặt bằng.",
    "Đề nghị bổ sung biển báo, đèn cảnh báo tại các điểm đào đường.",
)


def add_investment_boards(run: DemoRun) -> None:
    """Boards, projects, supervisions and recommendations in the communes with demo logins."""
    tree = run.tree
    for district in tree.districts:
        # The district's former communes: after the 2025 reform they sit under the province.
        communes = tree.communes_of.get(district.code, [])[:WARDS_WITH_USERS]
        for commune in communes:
            board = tree.add_unit(run.session, f"{commune.code}-GSDT",
                                  f"Ban giám sát đầu tư của cộng đồng {commune.name[0].lower()}{commune.name[1:]}",
                                  "investment_board", commune.code)
            member = tree.add_user(run.session, f"{commune.code.lower()}.gsdt", "supervisor", board.code,
                                   f"Trưởng ban GSĐTCĐ {commune.name}")
            for project in _projects(run, commune, district):
                for year in (run.today.year - 1, run.today.year):
                    _supervisions(run, member, project, year)


def _environment_office(run: DemoRun, commune: Unit) -> str | None:
    """The natural resources office above a commune: its town's, or the province's department."""
    parent = commune.parent
    if parent is None:
        return None
    code = f"{parent.code}-TNMT"
    if code in run.tree.units and run.tree.units[code].closed_on is None:
        return code
    return "TN-STNMT" if "TN-STNMT" in run.tree.units else None


def _projects(run: DemoRun, commune: Unit, district: Unit) -> list[Project]:
    """Three or four of the commune's projects, recorded by its leader."""
    leader = run.resolver(commune)
    made = []
    first_day = dt.date(run.today.year - 1, 1, 1)
    for name, investor, millions, months in run.rng.sample(PROJECTS, run.rng.randint(3, 4)):
        started = first_day + dt.timedelta(days=run.rng.randint(0, (run.today - first_day).days))
        by_commune = investor == "commune"
        # A district closed in the 2025 reform hands its projects to the province.
        investor_unit = commune if by_commune or district.closed_on is not None else district
        made.append(projects.create_project(run.session, leader, ProjectIn(
            unit=commune.code, name=name,
            investor=f"UBND {commune.name[0].lower()}{commune.name[1:]}" if by_commune
            else f"Ban Quản lý dự án đầu tư xây dựng {district.name[0].lower()}{district.name[1:]}",
            investor_unit=investor_unit.code, location=f"{commune.name}, {district.name}",
            budget_vnd=millions * 1_000_000 + run.rng.randint(0, 99) * 10_000_000,
            started_on=started, planned_completion_on=started + dt.timedelta(days=30 * months),
            status="completed" if started + dt.timedelta(days=30 * months) < run.today else None)))
    return made


def _supervisions(run: DemoRun, member: User, project: Project, year: int) -> None:
    """One or two supervisions of a project in `year`, while it is under way, with their recommendations."""
    rng = run.rng
    assert project.started_on is not None and project.planned_completion_on is not None
    first = max(project.started_on, dt.date(year, 1, 1))
    last = min(project.planned_completion_on, dt.date(year, 12, 31), run.today)
    if last < first:
        return
    for _ in range(rng.randint(1, 2)):
        started = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        supervision = activity.open_supervision(run.session, member, SupervisionIn(
            board_unit=member.unit.code, subject=rng.choice(SUBJECTS), started_on=started,
            ended_on=min(started + dt.timedelta(days=rng.randint(1, 5)), run.today), scope={"project_id": project.id},
            findings="Đoàn giám sát đã kiểm tra hiện trường, đối chiếu hồ sơ thiết kế và lấy ý kiến người dân."))
        for _ in range(rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
            issued = run.after(started, 1, 10)
            if issued is None:
                continue
            # Most go to the investor; a complaint about dust or a site goes to the town's office.
            addressee = None if rng.random() < 0.8 else _environment_office(run, project.unit)
            case = activity.issue_recommendation(run.session, member, supervision.id, RecommendationIn(
                addressee_unit=addressee, content=rng.choice(RECOMMENDATIONS), issued_on=issued))
            run.answer(case, member, issued)
