"""`tracker documents ...`: add, list, fetch and withdraw the files of a case from the command
line, through the same services and checks as the API (type from content, size limit, SHA-256
in the case's history). The acting user is named with --user."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import database
from tracker.cli import main, with_app
from tracker.files.upload import UploadRefused, receive
from tracker.models import User
from tracker.models.documents import DOCUMENT_KINDS


def acting_user(session: Session, username: str) -> User:
    """The active user called `username`, or a refusal."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise click.ClickException(f"Không có người dùng {username!r} / no active user {username!r}")
    return user


@main.group()
def documents() -> None:
    """Documents (files) on cases."""


@documents.command("add")
@click.argument("case_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(DOCUMENT_KINDS))
@click.option("--user", "username", required=True, help="who adds it")
@with_app
def documents_add(app: Flask, case_id: int, path: Path, kind: str, username: str) -> None:
    """Add the file at PATH to case CASE_ID."""
    from tracker.services.documents import add_case_document

    with database(app).transaction() as session, path.open("rb") as source:
        actor = acting_user(session, username)
        try:
            with receive(source, path.name, max_bytes=int(app.config["DOCUMENT_MAX_BYTES"])) as received:
                document = add_case_document(session, actor, app.extensions["files"], case_id, kind, received)
        except UploadRefused as refused:
            raise click.ClickException(refused.message) from None
        click.echo(f"{document.id}\t{document.media_type}\t{document.size}\t{document.sha256}\t{document.filename}")


@documents.command("list")
@click.argument("case_id", type=int)
@click.option("--user", "username", required=True)
@with_app
def documents_list(app: Flask, case_id: int, username: str) -> None:
    """List the documents of a case (withdrawn ones marked)."""
    from tracker.services.documents import list_documents

    with database(app).transaction() as session:
        found = list_documents(session, acting_user(session, username), "case", case_id)
        for d in found.documents:
            name = d.filename if found.names_visible else "(ẩn / withheld)"
            mark = f"\tRÚT / WITHDRAWN: {d.withdrawn_reason}" if d.withdrawn else ""
            click.echo(f"{d.id}\t{d.kind}\t{d.media_type}\t{d.size}\t{name}{mark}")


@documents.command("get")
@click.argument("document_id", type=int)
@click.option("--user", "username", required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="default: stdout")
@with_app
def documents_get(app: Flask, document_id: int, username: str, output: Path | None) -> None:
    """Write a document's bytes to a file or stdout (the download is logged)."""
    from tracker.services.documents import open_document

    with database(app).transaction() as session:
        _, chunks = open_document(session, acting_user(session, username), app.extensions["files"], document_id)
    target = output.open("wb") if output else sys.stdout.buffer
    for chunk in chunks:
        target.write(chunk)
    if output:
        target.close()


@documents.command("withdraw")
@click.argument("document_id", type=int)
@click.option("--reason", required=True)
@click.option("--user", "username", required=True)
@with_app
def documents_withdraw(app: Flask, document_id: int, reason: str, username: str) -> None:
    """Withdraw a document with a reason (it is kept)."""
    from tracker.services.documents import withdraw_document

    with database(app).transaction() as session:
        document = withdraw_document(session, acting_user(session, username), document_id, reason)
        click.echo(f"{document.id}\trút / withdrawn")
