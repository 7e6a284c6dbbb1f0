"""What happens after a write is registered in one place (`coop.hooks`), in its stated order."""

from sqlalchemy.orm import Session

from coop import hooks


def _registered(name):
    # SQLAlchemy keeps a class's listeners in registration order, the order it calls them
    ours = {h[1] for h in hooks.HOOKS}
    return [fn for fn in getattr(Session.dispatch, name)._clslevel[Session] if fn in ours]


def test_every_hook_is_registered_once_in_the_stated_order(app):
    hooks.install()  # a second call (another app in the same process) changes nothing
    for name in ("before_flush", "after_flush", "after_transaction_end"):
        stated = [fn for event, fn, _what in hooks.HOOKS if event == name]
        assert _registered(name) == stated


def test_each_hook_says_what_it_does():
    assert all(what for _event, _fn, what in hooks.HOOKS)
