"""Command line: `python cli.py seed | check | vocabulary | schema | serve | ready | synthetic | assets | user |
export`."""

import argparse
import sys
from pathlib import Path

import settings


def seed(_: argparse.Namespace) -> int:
    """Create the tables and load the fixtures, with every change editors published, into the configured database."""
    import seeds
    from editors import publishing
    from editors.changesets import ChangeError
    from models.database import create_engine, create_tables

    engine = create_engine(settings.DATABASE_URL)
    try:
        create_tables(engine)
        report = publishing.reload(engine, seeds.FIXTURES)
    except (seeds.FixtureError, ChangeError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    width = max(map(len, report.total))
    print(f"{'table':<{width}}  {'rows':>6}  {'added':>6}  {'changed':>7}  {'removed':>7}")
    for table, total in report.total.items():
        print(
            f"{table:<{width}}  {total:>6}  {report.inserted[table]:>6}  "
            f"{report.updated[table]:>7}  {report.deleted[table]:>7}"
        )
    print(f"dataset version {report.version}" + ("" if report.changed else " (nothing changed)"))
    return 0


def check(_: argparse.Namespace) -> int:
    """Validate the fixtures without touching any database."""
    import seeds

    try:
        dataset = seeds.read_fixtures(seeds.FIXTURES)
    except seeds.FixtureError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"fixtures are valid: {sum(map(len, dataset.rows.values()))} rows in {len(dataset.rows)} tables")
    return 0


def vocabulary(_: argparse.Namespace) -> int:
    """List every controlled field of the fixtures, with its allowed values and what each means."""
    from seeds.vocabulary import markdown

    print(markdown(), end="")
    return 0


def schema(arguments: argparse.Namespace) -> int:
    """Write the printed GraphQL schema (SDL) to a file."""
    from schema import printed_schema

    Path(arguments.output).write_text(printed_schema(), encoding="utf-8")
    print(f"wrote {arguments.output}")
    return 0


def assets(_: argparse.Namespace) -> int:
    """Install GraphiQL's assets from the npm registry, checked against their integrity hashes."""
    from web import playground

    try:
        fetched = playground.install()
    except playground.AssetError as error:
        print(f"GraphiQL's assets were not installed: {error}", file=sys.stderr)
        return 1
    print(f"GraphiQL's assets are installed ({len(fetched)} fetched now) in {playground.DIRECTORY}")
    return 0


def synthetic(arguments: argparse.Namespace) -> int:
    """Fill an empty database with deterministic synthetic data, for benchmarks and trials at scale."""
    from models.database import create_engine, create_tables
    from seeds.synthetic import NotEmptyError, Size, generate

    engine = create_engine(settings.DATABASE_URL)
    try:
        create_tables(engine)
        report = generate(engine, Size(arguments.countries, arguments.relations, arguments.events), arguments.seed)
    except NotEmptyError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(", ".join(f"{total} {table}" for table, total in report.total.items()))
    return 0


def serve(_: argparse.Namespace) -> int:
    """Serve the API with uvicorn in `BILATERAL_WORKERS` processes; the database is created and seeded at first."""
    from app import StartupError, prepare, stores_for
    from models.database import create_engine
    from web.server import serve as run

    try:
        check_operations_settings()
        stores_for(settings.REDIS_URL, "bilateral:")
        engine = create_engine(settings.DATABASE_URL)
        prepare(engine)
        engine.dispose()
    except (StartupError, OSError, ValueError) as error:
        print(f"Bilateral cannot start: {error}", file=sys.stderr)
        return 2
    return run("app:app", settings.WORKERS)


def ready(arguments: argparse.Namespace) -> int:
    """Exit 0 once the server at BILATERAL_HOST:BILATERAL_PORT answers `/ready` with 200, 1 if it has not in time."""
    import time
    import urllib.request

    from web.server import local_url

    url = local_url(settings.PORT) + "/ready"
    deadline = time.monotonic() + arguments.wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                reason = f"it answered {response.status}"
                if response.status == 200:
                    return 0
        except OSError as error:
            reason = str(error)
        if time.monotonic() >= deadline:
            print(f"{url} is not ready: {reason}", file=sys.stderr)
            return 1
        time.sleep(0.5)


def export(arguments: argparse.Namespace) -> int:
    """Write the published data (the fixtures with every published change) as fixture files into a folder."""
    from editors import publishing
    from editors.changesets import ChangeError
    from models.database import create_engine, create_tables

    engine = create_engine(settings.DATABASE_URL)
    try:
        create_tables(engine)
        written = publishing.export(engine, settings.FIXTURES, Path(arguments.folder))
    except ChangeError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for path in written:
        print(path)
    return 0


def user(arguments: argparse.Namespace) -> int:
    """Editors' accounts: `add NAME --role ROLE` and `token NAME` print a new token once; `list`; `revoke NAME`."""
    from editors import accounts
    from models.database import create_engine, create_tables

    engine = create_engine(settings.DATABASE_URL)
    try:
        create_tables(engine)
        if arguments.action == "list":
            for each in accounts.listed(engine):
                print(f"{each.name}\t{each.role}\t{each.created_at:%Y-%m-%d}\t{each.valid_tokens} valid token(s)")
        elif arguments.action == "revoke":
            print(f"revoked {accounts.revoke(engine, arguments.name)} token(s) of {arguments.name}")
        else:
            made = (
                accounts.add(engine, arguments.name, arguments.role)
                if arguments.action == "add"
                else accounts.issue(engine, arguments.name)
            )
            print(made)
            print("This token is shown once and kept only as its SHA-256: store it now.", file=sys.stderr)
    except accounts.AccountError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def check_operations_settings() -> None:
    """A `ValueError` naming the first operations setting whose value cannot be used."""
    if settings.WORKERS < 1:
        raise ValueError(f"BILATERAL_WORKERS must be 1 or more, not {settings.WORKERS}")
    if settings.METRICS not in ("private", "public", "off"):
        raise ValueError(f"BILATERAL_METRICS must be `private`, `public` or `off`, not {settings.METRICS!r}")
    if settings.LOG_FORMAT not in ("text", "json"):
        raise ValueError(f"BILATERAL_LOG_FORMAT must be `text` or `json`, not {settings.LOG_FORMAT!r}")
    if settings.share_of(settings.ACCESS_LOG_SETTING) is None:
        value = settings.ACCESS_LOG_SETTING
        raise ValueError(
            f"BILATERAL_ACCESS_LOG is `on`, `off` or the share of requests to log, from 0 to 1; not {value!r}"
        )
    if settings.HTTP not in settings.LOOPS:
        raise ValueError(f"BILATERAL_HTTP must be `httptools` or `h11`, not {settings.HTTP!r}")
    if settings.SHUTDOWN_DRAIN < 0 or settings.SHUTDOWN_TIMEOUT < 0:
        raise ValueError("BILATERAL_SHUTDOWN_DRAIN and BILATERAL_SHUTDOWN_TIMEOUT cannot be negative")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cli.py", description="Bilateral's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help=seed.__doc__).set_defaults(run=seed)
    commands.add_parser("check", help=check.__doc__).set_defaults(run=check)
    commands.add_parser("vocabulary", help=vocabulary.__doc__).set_defaults(run=vocabulary)
    printer = commands.add_parser("schema", help=schema.__doc__)
    printer.add_argument("--output", default=str(settings.ROOT / "schema.graphql"))
    printer.set_defaults(run=schema)
    commands.add_parser("assets", help=assets.__doc__).set_defaults(run=assets)
    generator = commands.add_parser("synthetic", help=synthetic.__doc__)
    generator.add_argument("--countries", type=int, default=200)
    generator.add_argument("--relations", type=int, default=2000)
    generator.add_argument("--events", type=int, default=100_000)
    generator.add_argument("--seed", type=int, default=1)
    generator.set_defaults(run=synthetic)
    commands.add_parser("serve", help=serve.__doc__).set_defaults(run=serve)
    waiter = commands.add_parser("ready", help=ready.__doc__)
    waiter.add_argument("--wait", type=float, default=0, help="seconds to keep asking (default: ask once)")
    waiter.set_defaults(run=ready)
    exporter = commands.add_parser("export", help=export.__doc__)
    exporter.add_argument("folder")
    exporter.set_defaults(run=export)
    users = commands.add_parser("user", help=user.__doc__)
    actions = users.add_subparsers(dest="action", required=True)
    adding = actions.add_parser("add", help="make an account and print its first token")
    adding.add_argument("name")
    adding.add_argument("--role", required=True, help="editor, reviewer or admin")
    actions.add_parser("token", help="print another token for an account").add_argument("name")
    actions.add_parser("revoke", help="revoke every token of an account").add_argument("name")
    actions.add_parser("list", help="every account, its role and how many valid tokens it has")
    users.set_defaults(run=user)
    arguments = parser.parse_args(argv)
    return int(arguments.run(arguments))


if __name__ == "__main__":
    sys.exit(main())
