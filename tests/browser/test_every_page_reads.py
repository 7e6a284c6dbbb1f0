"""Every page of the demo, as the people who use it, in Chromium at 1280 and 390 px: nothing
wider than the screen, the menu on one line at 1280 px, no console error or CSP violation,
axe-core finds nothing, and a screenshot of each (instance/screenshots/pages-*) to look at."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import assert_accessible
from tests.browser.test_start_pages import SHOTS, _fits, _signed_in

pytestmark = pytest.mark.browser


def _ids(app) -> dict:
    from coop.extensions import db
    from coop.models import Body, CostModel, Grant, Initiative, Resolution

    with app.app_context():
        first = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        from sqlalchemy import select

        ini = first(select(Initiative.id).order_by(Initiative.id))
        from coop import queue

        queue.defer("housekeeping", lock="housekeeping")  # the admins' queue shows a job
        return {
            "ini": ini,
            "grant": first(select(Grant.id).order_by(Grant.id)),
            "program": first(select(Grant.program_id).order_by(Grant.id)),
            "resolution": first(select(Resolution.id).order_by(Resolution.id)),
            "model": first(select(CostModel.id).where(CostModel.initiative_id == ini)),
            "district": first(select(Body.id).where(Body.name == "Kreis Höxter")),
            "brakel": first(select(Body.id).where(Body.name == "Brakel")),
        }


def _pages(i: dict) -> dict[str, list[str]]:
    """Who looks at which pages (the demo's accounts, and the public)."""
    ini = i["ini"]
    coordinator = [
        "/",
        "/initiatives/",
        f"/initiatives/{ini}",
        f"/initiatives/{ini}/edit",
        f"/initiatives/{ini}/resolutions/new",
        f"/resolutions/{i['resolution']}",
        "/initiatives/matrix",
        "/dashboard/",
        f"/report/?district={i['district']}",
        f"/initiatives/{ini}/savings",
        f"/bodies/{i['brakel']}/savings",
        "/bodies/",
        f"/bodies/{i['brakel']}",
        f"/bodies/{i['brakel']}/session",
        "/proposals/",
        "/search/?q=Digital",
        "/reminders/",
        "/notifications",
        "/account",
        "/import/resolutions",
        "/import/initiatives",
        "/funding/",
        f"/funding/grants/{i['grant']}",
        f"/funding/programs/{i['program']}",
        f"/initiatives/{ini}/delete",
        "/trash/",
        "/reminders/outbox",
        "/dashboard/?state=05",
    ]
    if i["model"]:
        coordinator.append(f"/initiatives/{ini}/savings/{i['model']}/edit")
    return {
        "koordination@kreis-hoexter.example": coordinator,
        "admin@coop.example": [
            "/users/",
            "/users/new",
            "/savings/rates/",
            "/bodies/new",
            "/reminders/",
            "/trash/",
            "/reminders/outbox",
        ],
        "": [
            "/password/forgot",
            "/",
            "/kommunen",
            "/initiatives/",
            "/impressum",
            "/datenschutz",
            "/barrierefreiheit",
            "/lizenzen",
            "/login",
        ],
    }


def test_every_page_reads_at_both_widths(browser, demo_live, sqlite_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for email, paths in _pages(_ids(sqlite_app)).items():
        if email:
            context, page = _signed_in(browser, demo_live, email)
        else:
            context = browser.new_context(base_url=demo_live, locale="de-DE")
            page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        who = email.split("@")[0] or "public"
        for path in paths:
            page.set_viewport_size({"width": 1280, "height": 900})
            answer = page.goto(path)
            assert answer.status == 200, (who, path, answer.status)
            tops = page.locator(".coop-nav__list > li").evaluate_all(
                "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
            )
            if len(set(tops)) > 1:
                problems.append(f"{who} {path}: the menu wraps at 1280 px")
            assert_accessible(page, f"{who} {path}")
            name = f"pages-{who}-" + (
                path.strip("/").replace("/", "_").replace("?", "_") or "start"
            )
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                try:
                    _fits(page)
                except AssertionError as exc:
                    problems.append(f"{who} {width}: {exc}")
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        context.close()
        problems += [f"{who}: console: {e}" for e in errors]
    assert not problems, "\n".join(problems)
