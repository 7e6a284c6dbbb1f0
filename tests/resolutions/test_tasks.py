"""Implementation tracking after the decision (Beschlusskontrolle): an adopted resolution gets
tasks (what, who, due, done), shown on the resolution, the initiative and the start pages, and
reminded when due."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from coop.audit import acting_as
from coop.core import clock
from coop.core import reminder_rules as due
from coop.extensions import db
from coop.models import AuditEntry, ResolutionTask
from tests import factories
from tests.conftest import AuthActions


def _adopted(seed):
    with acting_as(None, "test"):
        ini = factories.initiative(seed)
        adopted = factories.resolution(ini, seed.bodies["brakel"])
        scheduled = factories.resolution(
            ini, seed.bodies["nieheim"], outcome="scheduled", session_date="2099-01-01"
        )
        db.session.commit()
    return ini, adopted, scheduled


def _token(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_tasks_of_an_adopted_resolution(client, seed):
    ini, adopted, scheduled = _adopted(seed)
    AuthActions(client).login("partner_editor@test.example")  # Brakel's editor
    path = f"/resolutions/{adopted.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Umsetzung (Beschlusskontrolle)" in page and "Aufgabe hinzufügen" in page
    soon = (clock.today() + timedelta(days=5)).isoformat()
    added = client.post(
        f"{path}/tasks",
        data={
            "csrf_token": _token(client, path),
            "title": "Vereinbarung unterzeichnen",
            "responsible": "Bürgermeister",
            "due_on": soon,
        },
    )
    assert added.status_code == 302
    task = db.session.scalar(select(ResolutionTask))
    assert task.title == "Vereinbarung unterzeichnen" and task.initiative_id == ini.id
    assert db.session.scalar(
        select(func.count()).where(
            AuditEntry.entity_type == "ResolutionTask", AuditEntry.context_id == ini.id
        )
    )
    shown = client.get(f"/initiatives/{ini.id}").get_data(as_text=True)
    assert "Umsetzung der Beschlüsse" in shown and "Vereinbarung unterzeichnen" in shown
    start = client.get("/").get_data(as_text=True)
    assert "Fällige Aufgaben aus Beschlüssen" in start and "Vereinbarung unterzeichnen" in start

    done = client.post(
        f"{path}/tasks/{task.id}/done", data={"csrf_token": _token(client, path), "done": "1"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ResolutionTask, task.id).done_on == clock.today()
    assert "Vereinbarung unterzeichnen" not in client.get(f"/initiatives/{ini.id}").get_data(
        as_text=True
    )
    gone = client.post(f"{path}/tasks/{task.id}/delete", data={"csrf_token": _token(client, path)})
    assert gone.status_code == 302 and db.session.scalar(select(func.count(ResolutionTask.id))) == 0


def test_bad_input_and_permissions(client, seed):
    _ini, adopted, scheduled = _adopted(seed)
    AuthActions(client).login("coordinator@test.example")
    path = f"/resolutions/{adopted.id}"
    empty = client.post(
        f"{path}/tasks",
        data={"csrf_token": _token(client, path), "title": " ", "due_on": "31.12.2026"},
    )
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert 'id="error-summary"' in text and "Dieses Feld ist ein Pflichtfeld." in text
    other = f"/resolutions/{scheduled.id}"
    assert "Aufgabe hinzufügen" not in client.get(other).get_data(as_text=True)
    refused = client.post(
        f"{other}/tasks", data={"csrf_token": _token(client, other), "title": "Etwas"}
    )
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(ResolutionTask.id))) == 0
    viewer = client.application.test_client()
    AuthActions(viewer).login("viewer@test.example")
    assert (
        viewer.post(
            f"{path}/tasks", data={"csrf_token": _token(viewer, path), "title": "x"}
        ).status_code
        == 403
    )


def test_a_task_is_reminded_when_due_and_once_overdue():
    today = date(2026, 12, 3)

    def fact(days: int) -> due.TaskFact:
        return due.TaskFact(
            task_id=7,
            initiative_id=1,
            initiative="Digitalnetzwerk",
            body_id=2,
            body="Brakel",
            title="Vereinbarung unterzeichnen",
            due_on=today + timedelta(days=days),
        )

    assert due.due_reminders([], [], [], today, [fact(8)]) == []
    (soon,) = due.due_reminders([], [], [], today, [fact(7)])
    assert soon.kind == "task" and soon.body_ids == (2,) and soon.key == "task:7:2026-12-10"
    (late,) = due.due_reminders([], [], [], today, [fact(-1)])
    assert late.kind == "task_overdue" and late.key == "task-overdue:7:2026-12-02"


def test_the_daily_run_reminds_brakels_editor(app, seed):
    from coop.reminders import services

    _ini, adopted, _scheduled = _adopted(seed)
    with acting_as(None, "test"):
        db.session.add(
            ResolutionTask(
                resolution_id=adopted.id,
                initiative_id=adopted.initiative_id,
                title="Vereinbarung unterzeichnen",
                due_on=clock.today() + timedelta(days=2),
            )
        )
        db.session.commit()
    deliveries = services.plan(clock.today())
    who = {d.user.email for d in deliveries if any(r.kind == "task" for r in d.reminders)}
    assert "partner_editor@test.example" in who and "coordinator@test.example" in who
