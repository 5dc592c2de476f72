"""The demo's unit tree and users, shaped like the seed articles: a province with an urban
district of 20 wards (Bình Thạnh) and a town of 11 communes and wards (Kỳ Anh), their
agencies, Fatherland Front committees and People's Inspection Boards."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tracker.auth.policy import SYSTEM
from tracker.models import Unit, User
from tracker.schemas import UnitIn, UserIn
from tracker.services.admin import create_unit, create_user, hash_password

PASSWORD = "demo-2026-tracker"

BINH_THANH_WARDS = ("1", "2", "3", "5", "6", "7", "11", "12", "13", "14", "15", "17", "19", "21", "22", "24", "25", "26",
                    "27", "28")
KY_ANH_COMMUNES = (("HT", "Phường Hưng Trí"), ("KTR", "Phường Kỳ Trinh"), ("KTH", "Phường Kỳ Thịnh"),
                   ("KL", "Phường Kỳ Long"), ("KLI", "Phường Kỳ Liên"), ("KP", "Phường Kỳ Phương"), ("KHA", "Xã Kỳ Hà"),
                   ("KHO", "Xã Kỳ Hoa"), ("KN", "Xã Kỳ Nam"), ("KLO", "Xã Kỳ Lợi"), ("KTA", "Xã Kỳ Tân"))
# Wards whose desks and inspection boards get their own demo logins.
WARDS_WITH_USERS = 3


@dataclass
class DemoTree:
    """What the scenarios need to know of the tree: units by code and who works where."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    districts: list[Unit] = field(default_factory=list)
    communes_of: dict[str, list[Unit]] = field(default_factory=dict)  # by district code, kept after the reform
    communes: list[Unit] = field(default_factory=list)
    agencies: list[Unit] = field(default_factory=list)
    boards: list[Unit] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit name
    password_hash: str | None = None

    def add_unit(self, session: Session, code: str, name: str, kind: str, parent: str | None = None) -> Unit:
        unit = create_unit(session, SYSTEM, UnitIn(code=code, name=name, kind=kind, parent_code=parent))
        self.units[code] = unit
        {"district": self.districts, "commune": self.communes, "agency": self.agencies,
         "front_committee": self.boards, "inspection_board": self.boards}.get(kind, []).append(unit)
        return unit

    def add_user(self, session: Session, username: str, role: str, unit_code: str, full_name: str) -> User:
        if self.password_hash is None:  # one Argon2 hash (half a second) for every demo user's one password
            self.password_hash = hash_password(PASSWORD)
        user = create_user(session, SYSTEM, UserIn(username=username, role=role, unit=unit_code, password=PASSWORD,
                                                 email=f"{username}@demo.gov.vn", full_name=full_name),
                           password_hash=self.password_hash)
        self.users.append(user)
        self.logins.append((username, role, self.units[unit_code].name))
        return user


def build_tree(session: Session) -> DemoTree:
    """Create the units and the users of the demo, through the admin services."""
    tree = DemoTree()
    tree.add_unit(session, "TN", "Tỉnh Tây Ninh", "province")
    tree.add_unit(session, "TN-TTR", "Thanh tra tỉnh", "agency", "TN")
    tree.add_unit(session, "TN-STNMT", "Sở Tài nguyên và Môi trường", "agency", "TN")
    tree.add_unit(session, "TN-SNV", "Sở Nội vụ", "agency", "TN")
    tree.add_unit(session, "TN-MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", "front_committee", "TN")
    districts = (("BT", "Quận Bình Thạnh", "quận", [(f"P{w.zfill(2)}", f"Phường {w}") for w in BINH_THANH_WARDS]),
                 ("KA", "Thị xã Kỳ Anh", "thị xã", list(KY_ANH_COMMUNES)))
    for code, name, level, communes in districts:
        tree.add_unit(session, code, name, "district", "TN")
        tree.add_unit(session, f"{code}-TNMT", f"Phòng Tài nguyên và Môi trường {level}", "agency", code)
        tree.add_unit(session, f"{code}-LDTBXH", f"Phòng Lao động - Thương binh và Xã hội {level}", "agency", code)
        tree.add_unit(session, f"{code}-TTR", f"Thanh tra {level}", "agency", code)
        tree.add_unit(session, f"{code}-MTTQ", f"Ủy ban MTTQ Việt Nam {level}", "front_committee", code)
        for suffix, commune_name in communes:
            commune = f"{code}-{suffix}"
            tree.communes_of.setdefault(code, []).append(tree.add_unit(session, commune, commune_name, "commune", code))
            board_name = f"Ban thanh tra nhân dân {commune_name[0].lower()}{commune_name[1:]}"
            tree.add_unit(session, f"{commune}-TTND", board_name, "inspection_board", commune)

    tree.add_user(session, "admin", "admin", "TN", "Quản trị hệ thống")
    tree.add_user(session, "tn.lanhdao", "leader", "TN", "Phó Chủ tịch UBND tỉnh Trần Quốc Hùng")
    tree.add_user(session, "tn.tiepdan", "reception", "TN", "Ban Tiếp công dân tỉnh - Lê Thị Hạnh")
    tree.add_user(session, "tn.thanhtra", "agency", "TN-TTR", "Thanh tra viên Phạm Minh Tuấn")
    tree.add_user(session, "tn.mttq", "supervisor", "TN-MTTQ", "Ủy viên MTTQ tỉnh Võ Thị Lan")
    for code, name, _, communes in districts:
        slug = code.lower()
        tree.add_user(session, f"{slug}.tiepdan", "reception", code, f"Tiếp công dân {name}")
        tree.add_user(session, f"{slug}.lanhdao", "leader", code, f"Chủ tịch UBND {name}")
        tree.add_user(session, f"{slug}.tnmt", "agency", f"{code}-TNMT", f"Chuyên viên TN&MT {name}")
        tree.add_user(session, f"{slug}.ldtbxh", "agency", f"{code}-LDTBXH", f"Chuyên viên LĐ-TB&XH {name}")
        tree.add_user(session, f"{slug}.thanhtra", "agency", f"{code}-TTR", f"Thanh tra viên {name}")
        tree.add_user(session, f"{slug}.mttq", "supervisor", f"{code}-MTTQ", f"Ủy ban MTTQ {name}")
        for suffix, commune_name in communes[:WARDS_WITH_USERS]:
            commune = f"{code}-{suffix}"
            tree.add_user(session, f"{commune.lower()}.tiepdan", "reception", commune, f"Tiếp công dân {commune_name}")
            tree.add_user(session, f"{commune.lower()}.lanhdao", "leader", commune, f"Chủ tịch UBND {commune_name}")
            tree.add_user(session, f"{commune.lower()}.ttnd", "supervisor", f"{commune}-TTND",
                          f"Ban TTND {commune_name}")
    return tree
