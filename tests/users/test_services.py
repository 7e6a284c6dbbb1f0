"""Password rules, the same for the admin pages, the CLI and one's own change."""

import pytest

from coop.users.schemas import UserCreate


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaaaa", "zu leicht zu erraten"),
        ("password1234", "zu leicht zu erraten"),
        ("qwertzuiop12", "zu leicht zu erraten"),
        ("kurz-2026", "mindestens 12 Zeichen"),
        ("neu.person@kreis.example", "E-Mail-Adresse"),
        ("neu.person-2026-abc", "E-Mail-Adresse"),
    ],
)
def test_weak_passwords_are_refused(app, seed, password, why):
    from coop.commands import bind

    with app.test_request_context():
        command, errors = bind(
            UserCreate,
            {"email": "neu.person@kreis.example", "role": "viewer", "password": password},
        )
        assert why in errors["password"]  # (the rest of the account could be read)


def test_a_good_password_is_taken(app, seed):
    from coop.users import services as users

    user = users.create_user(
        UserCreate.model_validate(
            {
                "email": "neu.person@kreis.example",
                "role": "viewer",
                "password": "Weser-Brücke-Nebel-7",
            }
        ),
        actor=None,
    )
    assert user.check_password("Weser-Brücke-Nebel-7")


def test_the_command_line_applies_the_same_rule(app, seed, runner):
    args = ["users", "create", "--email", "cli@kreis.example", "--role", "viewer"]
    refused = runner.invoke(args=[*args, "--password", "password1234"])
    assert refused.exit_code != 0 and "zu leicht zu erraten" in refused.output
    taken = runner.invoke(args=[*args, "--password", "Weser-Brücke-Nebel-7"])
    assert taken.exit_code == 0, taken.output
