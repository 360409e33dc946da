"""`dossier access who|check`: who may read an item or a customer card, and why (thin over access.py).

Answers from the files alone (people.yaml, access.yaml, the customer cards), which anyone holding
the repository can read: asking needs no identity, and the answer names no title or value.
"""

from __future__ import annotations

import click

from .main import _session, cli, echo_json, lang_option

FORMATS = click.Choice(["text", "json"])


@cli.group(name="access")
def access_group() -> None:
    """Read rights (查阅权限): who may read what, and why."""


def _asked(session, what: str):
    """The archive, its read rights today, and what was asked about."""
    from ..access.rights import policy, subject
    from ..archive.config import open_archive

    archive = open_archive(session.root)
    return archive, policy(archive, session.today), subject(archive.root, what)


@access_group.command()
@click.argument("what", metavar="CODE|CUSTOMER")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@lang_option
@click.pass_context
def who(ctx, what, fmt, lang):
    """List everyone who may read an item (by electronic code) or a customer card (by customer id),
    each with why: sees all (sales manager, general manager), customer manager of the material, or
    a grant in force until its date; then the grants that would reach it but give nothing, and why.
    """
    from ..access.rights import named, reason_text
    from .reporter import render_table

    session = _session(ctx, lang)
    _, rights, asked = _asked(session, what)
    readers = [(person, "; ".join(reason_text(r, session.lang) for r in reasons))
               for person, reasons in rights.who(asked.customer, asked.category, asked.manager)]
    void = [reason_text(rights.void_note(g), session.lang) for g in rights.void_grants(asked.customer, asked.category)]
    if fmt == "json":
        echo_json({"what": asked.what, "customer": asked.customer, "category": asked.category,
                               "owner": rights.owner(asked.customer, asked.manager),
                               "readers": [{"person": p.id, "name": p.name, "why": why} for p, why in readers],
                               "void": void})
        return
    owner = rights.owner_text(asked.customer, asked.manager)
    if asked.is_card:
        session.echo("access-who-card", customer=asked.customer, owner=owner)
    else:
        session.echo("access-who-item", code=asked.what, customer=asked.customer or "-", category=asked.category,
                     owner=owner)
    table = render_table(["", ""], [[named(person), why] for person, why in readers])
    click.echo("\n".join("  " + line for line in table.split("\n")[2:]))  # without its empty header
    if void:
        session.echo("access-who-void")
        click.echo("\n".join("  " + line for line in void))


@access_group.command()
@click.argument("person", metavar="PERSON")
@click.argument("what", metavar="CODE|CUSTOMER")
@lang_option
@click.pass_context
def check(ctx, person, what, lang):
    """Whether PERSON (an id or e-mail in people.yaml) may read an item or a customer card: why
    they may, or why not and who can grant. Exit 0 if they may, 1 if not."""
    from ..access.rights import named, reason_text
    from ..archive.errors import UsageError

    session = _session(ctx, lang)
    archive, rights, asked = _asked(session, what)
    someone = archive.people.get(person) or archive.person_by_email(person)
    if someone is None:
        raise UsageError("access-person-unknown", person=person)
    reasons = list(rights.reader(someone).reasons(asked.customer, asked.category, asked.manager))
    if reasons:
        session.echo("access-check-yes", person=named(someone), what=asked.what,
                     why="; ".join(reason_text(r, session.lang) for r in reasons))
        return
    click.echo(rights.refusal(someone, asked.what, asked.customer, asked.category, asked.manager).render(session.lang))
    ctx.exit(1)
