"""``python -m db``: upgrade, create-user, import, stats and export, in process (main(argv)) and as a subprocess."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import open_store
from db.cli import main
from db.synthetic import write_synthetic_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """run(*argv, stdin="") -> (exit code, stdout, stderr) against a SQLite file in tmp_path."""
    url = f"sqlite:///{tmp_path / 'store.db'}"

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--database-url", url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    run.url = url
    return run


def test_create_import_review_stats_export(cli, tmp_path):
    assert cli("create-user", "root", "--role", "admin", "--password-stdin", stdin="correct horse\n")[0] == 0
    code, out, _ = cli("create-user", "ann", "--password-stdin", stdin="battery staple\n")
    assert code == 0 and "created annotator 'ann'" in out
    write_synthetic_dir(tmp_path / "synth", 10)
    code, out, _ = cli("import", str(tmp_path / "synth"), "--reviews", "1")
    assert code == 0 and "imported 10 new samples from 10 lines" in out
    assert "imported 0 new samples" in cli("import", str(tmp_path / "synth"))[1]

    store = open_store(cli.url)
    assert store.users.authenticate("root", "correct horse").is_admin
    ann = store.users.authenticate("ann", "battery staple")
    for decision in ("approve", "reject", "approve"):
        claim = store.queue.claim(ann.id)
        store.queue.decide(ann.id, claim.sample.id, claim.token, decision)
    store.close()

    code, out, _ = cli("stats", "--json")
    stats = json.loads(out)
    assert code == 0 and stats["progress"] == {"total": 10, "pending": 7, "approved": 2, "rejected": 1, "leased": 0,
                                               "reviews": 3}
    assert {p["name"]: p["approve"] for p in stats["annotators"]} == {"ann": 2, "root": 0}
    assert cli("stats")[1].startswith("samples 10: pending 7, approved 2, rejected 1")

    code, out, _ = cli("export", "cotpose", "--exports-dir", str(tmp_path / "exports"))
    assert code == 0 and "exported 2 samples to" in out
    assert json.loads((tmp_path / "exports" / "cotpose-v1" / "manifest.json").read_text())["count"] == 2
    assert json.loads(cli("stats", "--json")[1])["exports"][0]["version"] == 1


def test_errors_exit_2_with_the_reason_and_change_nothing(cli, tmp_path):
    cli("create-user", "ann", "--password-stdin", stdin="correct horse\n")
    code, _, err = cli("create-user", "ann", "--password-stdin", stdin="other password\n")
    assert code == 2 and "error: user 'ann' already exists" in err
    code, _, err = cli("create-user", "bob", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8 characters" in err
    write_synthetic_dir(tmp_path / "synth", 5)
    samples = tmp_path / "synth" / "samples.jsonl"
    samples.write_text(samples.read_text().replace('"split":"train"', '"split":"dev"', 1))
    code, _, err = cli("import", str(tmp_path / "synth"))
    assert code == 2 and "nothing imported" in err and "samples.jsonl:" in err and "field 'split'" in err
    code, _, err = cli("export", "cotpose", "--exports-dir", str(tmp_path / "exports"))
    assert code == 2 and "nothing to export" in err
    stats = json.loads(cli("stats", "--json")[1])
    assert stats["progress"]["total"] == 0 and [p["name"] for p in stats["annotators"]] == ["ann"]
    assert stats["exports"] == []


def _python_m_db(*argv: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "COTPOSE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "db", *argv], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_python_m_db_upgrades_and_creates_users_in_the_data_dir(tmp_path):
    first = _python_m_db("upgrade", "--revision", "0001", data_dir=tmp_path)
    assert first.returncode == 0 and "empty -> 0001" in first.stdout
    upgraded = _python_m_db("upgrade", data_dir=tmp_path)
    assert upgraded.returncode == 0 and "0001 -> 0002" in upgraded.stdout
    created = _python_m_db("create-user", "root", "--role", "admin", "--password-stdin", data_dir=tmp_path,
                           stdin="correct horse\n")
    assert created.returncode == 0, created.stderr
    store = open_store(f"sqlite:///{tmp_path / 'cotpose.db'}")
    assert store.users.authenticate("root", "correct horse").role == "admin"
    store.close()
