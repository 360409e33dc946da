"""`dossier customer reassign`: a customer moved to another customer manager in one commit
(thin over reassign.py)."""

from __future__ import annotations

import click

from .main import _acting_person, _session, cli, lang_option
from .rekey import identity_option


@cli.group()
def customer():
    """Customer cards 客户资料卡: reassign a customer to another customer manager."""


@customer.command()
@click.argument("customer_id", metavar="CUSTOMER")
@click.option("--to", "to", required=True, metavar="PERSON", help="The customer manager taking the customer over "
              "(id or e-mail in people.yaml).")
@click.option("--reason", metavar="TEXT", help="Why (required: the commit's Reason: trailer).")
@identity_option
@lang_option
@click.pass_context
def reassign(ctx, customer_id, to, reason, identity, lang):
    """Give CUSTOMER to another customer manager: the card names them, and the card's and every item's
    confidential values are encrypted to the readers after the change, all in one commit.

    Only the sales manager or the general manager reassigns; their key (--identity) must be able to
    decrypt the values. The items keep their codes. Exit 1 when refused (nothing is changed then).
    """
    from ..archive.config import open_archive
    from ..access.crypto import load_identity
    from ..record.reassign import reassign as move
    from ..archive.schemas import SchemaSet

    session = _session(ctx, lang)
    root = session.root
    archive = open_archive(root)
    done = move(archive, SchemaSet(root / "schemas"), _acting_person(archive), customer_id, to, reason,
                load_identity(identity), session.today)
    person = archive.people[done.after]
    args = {"customer": done.customer, "person": f"{person.name} ({person.id})", "before": done.before,
            "count": len(done.files) - 1}
    if done.commit:
        session.echo("reassigned", sha=done.commit[:10], **args)
    else:
        session.echo("reassigned-no-git", **args)
