"""Queries per request do not grow with the data: every page, API read and OParl list of
`make bench` is counted on the demo data and on the district scale of `flask bench seed`
(a district with 200 initiatives and 200 partners), on PostgreSQL, with and without the cached
results of expensive reads."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bench.run import ids, query_counts
from coop import create_app
from coop.audit import acting_as
from coop.extensions import db

EMAIL = "koordination@bench.example"


def _database(base_url: str, name: str) -> str:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        c.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


def _fill(url: str, scale: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with acting_as(None, "test"):
            if scale == "demo":
                from coop import demo
                from coop.demo import scale as scaled

                demo.load()
                db.session.commit()
                scaled.bench_users(*_district_and_members())
                db.session.commit()
                from coop.funding import services as funding

                funding.refresh_checks()
                db.session.commit()
            else:
                from coop.demo import scale as scaled

                scaled.seed(scale, log=lambda _line: None)
        db.session.remove()
        db.engine.dispose()


def _district_and_members():
    """The demo's district with the most initiatives and its member bodies."""
    from sqlalchemy import select

    from coop.models import Body

    district = ids(connection=db.session.connection())["district"]
    members = db.session.scalars(
        select(Body.id).where(Body.district_id == district).order_by(Body.id)
    ).all()
    return district, members


@pytest.mark.postgres
def test_queries_per_request_are_the_same_at_two_scales(postgresql_url):
    small_url = _database(postgresql_url, "scale_demo")
    large_url = _database(postgresql_url, "scale_district")
    _fill(small_url, "demo")
    _fill(large_url, "district")
    small = query_counts(small_url, EMAIL, config="testing", cold=True)
    large = query_counts(large_url, EMAIL, config="testing", cold=True)
    assert set(small) == set(large)
    for label in small:
        assert small[label][0] == 200, (label, small[label])
        assert large[label][0] == 200, (label, large[label])
    differing = {k: (small[k], large[k]) for k in small if small[k][1:] != large[k][1:]}
    assert not differing, differing
