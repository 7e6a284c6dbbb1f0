"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""


def test_models_and_migrations_agree(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    # a difference makes flask-migrate exit with 1
    assert result.exit_code == 0, result.output
