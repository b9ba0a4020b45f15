"""A record's history, each entry checked again as the audit page shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ledger_support import allow_tampering, event, make_app, register_user
from truceline.bootstrap import App
from truceline.services.ledger import record, sign_event
from truceline.services.ledger_history import checked_history


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = make_app(f"sqlite:///{tmp_path / 'history.db'}", tmp_path)
    try:
        yield app
    finally:
        app.close()


def test_every_entry_of_an_untouched_history_holds(app: App) -> None:
    user = register_user(app, "usr_a")
    with app.uow() as uow:
        record(uow, event(1, subject="agreement:x"), app.log.signer)
        record(uow, event(2, actor="usr_a", party="tr", subject="agreement:x"), user)
        uow.commit()
    checks = checked_history(app.uow(), "agreement:x", app.log.public_key)
    assert [(c.entry.actor, c.valid) for c in checks] == [("operator", True), ("usr_a", True)]


def test_an_edited_entry_is_shown_invalid_with_the_reason(app: App) -> None:
    with app.uow() as uow:
        record(uow, event(1, subject="agreement:x"), app.log.signer)
        uow.commit()
    with app.engine.begin() as conn:
        allow_tampering(conn)
        conn.exec_driver_sql("UPDATE ledger_entries SET leaf = replace(leaf, '\"n\":1', '\"n\":9')")
    [check] = checked_history(app.uow(), "agreement:x", app.log.public_key)
    assert not check.valid
    assert "recorded hash" in check.problem


def test_an_entry_signed_after_its_user_was_disabled_is_shown_invalid(app: App) -> None:
    user = register_user(app, "usr_a")
    with app.uow() as uow:
        record(uow, event(1, actor="usr_a", party="tr", subject="agreement:x"), user)
        record(uow, event(2, name="user.disabled", subject="usr_a", data={}), app.log.signer)
        uow.commit()
    # Written past the log's own refusal, as an operator with database access could.
    with app.engine.begin() as conn:
        allow_tampering(conn)
    with app.uow() as uow:
        late = sign_event(event(3, actor="usr_a", party="tr", subject="agreement:x"), user)
        uow.ledger.append([late], app.now())
        uow.commit()
    checks = checked_history(app.uow(), "agreement:x", app.log.public_key)
    assert [c.valid for c in checks] == [True, False]
    assert "disabled" in checks[1].problem
