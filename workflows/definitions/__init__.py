"""Every workflow definition, by case kind and version.

A case is pinned to the version it started under; a new version is added here beside the
old one, never in place of it, so open cases keep their procedure.
"""
from __future__ import annotations

from workflows.definitions.base import Workflow
from workflows.definitions.dialogue import DIALOGUE_OPINION
from workflows.definitions.petitions import COMPLAINT, DENUNCIATION, FEEDBACK, RECOMMENDATION, VOTER_OPINION
from workflows.definitions.supervision import SUPERVISION_RECOMMENDATION

ALL: tuple[Workflow, ...] = (
    COMPLAINT, DENUNCIATION, RECOMMENDATION, FEEDBACK, VOTER_OPINION, DIALOGUE_OPINION, SUPERVISION_RECOMMENDATION,
)
REGISTRY: dict[tuple[str, int], Workflow] = {(w.kind, w.version): w for w in ALL}
KINDS: tuple[str, ...] = tuple(dict.fromkeys(w.kind for w in ALL))
PETITION_KINDS: tuple[str, ...] = ("complaint", "denunciation", "recommendation", "feedback")


def latest(kind: str) -> Workflow:
    """The newest version of `kind`'s workflow, used for new cases."""
    versions = [w for (k, _), w in REGISTRY.items() if k == kind]
    if not versions:
        raise KeyError(kind)
    return max(versions, key=lambda w: w.version)


def get(kind: str, version: int) -> Workflow:
    """The workflow a case of `kind` pinned to `version` follows."""
    return REGISTRY[(kind, version)]
