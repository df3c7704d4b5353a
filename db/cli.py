"""``python -m db``: upgrade the schema, create users, import synthesis output, show stats, export datasets."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict

from rich.console import Console
from rich.table import Table

from db import migrate
from db.config import DATA_DIR_ENV, database_url
from db.engine import make_engine
from db.errors import StoreError
from db.models import ROLES
from db.queue import QueueFilter
from db.store import Store, open_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m db", description=__doc__,
        epilog=f"Database: --database-url, else $DATABASE_URL, else <${DATA_DIR_ENV} or ./runtime>/cotpose.db.")
    parser.add_argument("--database-url", help="SQLAlchemy URL (e.g. postgresql+psycopg://user@host/db)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    upgrade = commands.add_parser("upgrade", help="apply schema migrations (default: to the newest revision)")
    upgrade.add_argument("--revision", default="head", help="target Alembic revision (default: head)")

    user = commands.add_parser("create-user", help="create an annotator or admin account")
    user.add_argument("name", help="unique user name")
    user.add_argument("--role", choices=ROLES, default="annotator", help="account role (default: annotator)")
    user.add_argument("--password-stdin", action="store_true",
                      help="read the password from the first line of stdin instead of prompting")

    imp = commands.add_parser("import", help="import a synthesis output directory (idempotent, all-or-nothing)")
    imp.add_argument("directory", help="directory holding samples.jsonl and manifest.json")
    imp.add_argument("--reviews", type=int, default=1, metavar="K",
                     help="reviews required per new sample (2+ for double review; default 1)")

    stats = commands.add_parser("stats", help="queue progress, per-annotator counts, agreement, exports")
    stats.add_argument("--json", action="store_true", help="print machine-readable JSON")

    export = commands.add_parser("export", help="export approved samples as the next version of a dataset")
    export.add_argument("name", help="dataset name; written to <exports>/<name>-v<k>/")
    export.add_argument("--category", help="only this category")
    export.add_argument("--source", help="only this source (e.g. seed)")
    export.add_argument("--split", choices=("train", "unseen"), help="only this split")
    flagged = export.add_mutually_exclusive_group()
    flagged.add_argument("--flagged", dest="flagged", action="store_true", default=None,
                         help="only samples with flags")
    flagged.add_argument("--unflagged", dest="flagged", action="store_false", help="only samples without flags")
    export.add_argument("--exports-dir", help="parent directory of exports (default: <data dir>/exports)")
    return parser


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise StoreError("the two passwords differ")
    return first


def _stats(store: Store, as_json: bool, console: Console) -> None:
    progress = store.queue.progress()
    people = store.queue.annotator_progress()
    agreement = store.queue.agreement()
    exports = store.exports.list()
    if as_json:
        print(json.dumps({
            "progress": asdict(progress), "annotators": [asdict(p) for p in people],
            "agreement": {**asdict(agreement), "rate": agreement.rate},
            "exports": [{**asdict(e), "created_at": e.created_at.isoformat()} for e in exports],
        }, indent=2))
        return
    console.print(f"samples {progress.total}: pending {progress.pending}, approved {progress.approved}, "
                  f"rejected {progress.rejected} ({progress.done_fraction:.1%} done); leased now {progress.leased}; "
                  f"active reviews {progress.reviews}")
    rate = "n/a" if agreement.rate is None else f"{agreement.rate:.1%}"
    console.print(f"agreement: {rate} over {agreement.pairs} pairs on {agreement.samples} multi-reviewed samples")
    table = Table("annotator", "approve", "edit+approve", "reject", "undone", "skipped", title="annotators")
    for p in people:
        table.add_row(p.name, str(p.approve), str(p.edit_approve), str(p.reject), str(p.undone), str(p.skipped))
    console.print(table)
    table = Table("export", "count", "sha256", "path", title="exports")
    for e in exports:
        table.add_row(f"{e.name}-v{e.version}", str(e.count), e.sha256[:16], e.path)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = _parser().parse_args(argv)
    console = Console(stderr=False)
    try:
        if args.command == "upgrade":
            engine = make_engine(database_url(args.database_url), writer=True)
            before = migrate.current_revision(engine)
            after = migrate.upgrade(engine, args.revision)
            console.print(f"database {engine.url.render_as_string(hide_password=True)}: {before or 'empty'} -> {after}")
            engine.dispose()
            return 0
        store = open_store(args.database_url, exports_root=getattr(args, "exports_dir", None))
        try:
            if args.command == "create-user":
                user = store.users.create(args.name, _read_password(args), args.role)
                console.print(f"created {user.role} {user.name!r} (id {user.id})")
            elif args.command == "import":
                result = store.samples.import_dir(args.directory, required_reviews=args.reviews,
                                                  progress=sys.stderr.isatty())
                console.print(f"imported {result.inserted} new samples from {result.lines} lines "
                              f"({result.already_present} already present, {result.duplicate_lines} duplicate lines)")
            elif args.command == "stats":
                _stats(store, args.json, console)
            elif args.command == "export":
                filters = QueueFilter(args.category, args.source, args.flagged)
                info = store.exports.export(args.name, filters, args.split, progress=sys.stderr.isatty())
                console.print(f"exported {info.count} samples to {info.path} (sha256 {info.sha256})")
        finally:
            store.close()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
