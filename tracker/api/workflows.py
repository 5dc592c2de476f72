"""The workflows as data: kinds, states, triggers with the roles and fields each takes, read
from `workflows.definitions` so the API, the pages and the tests read one source."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.models import User

TAG = "workflows"


@api.route("GET", "/workflows", tag=TAG, summary="Every workflow: states, triggers, who may fire them, with what data",
           responses={200: (out.WorkflowList, "One item per case kind and version.")})
def list_workflows(actor: User) -> out.WorkflowList:
    """What each trigger's `data` takes, and which roles fire it where."""
    return out.all_workflows()
