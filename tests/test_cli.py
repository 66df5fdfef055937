"""The command line as a user meets it: clean one file, refuse bad input clearly, build deterministically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEEDS, jianghua


def front_matter(markdown: str) -> dict:
    assert markdown.startswith("---\n")
    return yaml.safe_load(markdown.split("\n---\n", 1)[0][4:])


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_clean_prints_markdown_with_front_matter(seed):
    result = jianghua("clean", str(SEEDS / seed))
    meta = front_matter(result.stdout)
    assert meta["source_file"] == seed
    assert len(meta["id"]) == 12
    assert meta["title"]
    assert meta["completeness"] in {"complete", "truncated", "gaps"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02\x03binary\xff\xfe" * 50, "binary"),
        ("同志们：好。".encode("utf-8"), "too short"),
        (b"\xff\xfe\x00\xd8\x00\xd8\x41\x00" * 40, "does not decode"),
    ],
)
def test_clean_refuses_unreadable_input_with_one_clear_line(tmp_path, content, reason):
    bad = tmp_path / "坏 文件.txt"
    bad.write_bytes(content)
    result = jianghua("clean", str(bad), check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(bad) in lines[0] and reason in lines[0]


def test_build_twice_gives_identical_files_and_skips_a_bad_seed(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "000_empty.txt").write_bytes(b"")
    snapshots = []
    for run in ("first", "second"):
        docs = tmp_path / run
        shutil.copytree(ROOT / "docs", docs)
        result = jianghua("build", "--seeds", str(seeds), "--docs", str(docs))
        assert "000_empty.txt" in result.stderr and "empty file" in result.stderr
        assert "built 5 speeches, refused 1" in result.stderr
        snapshots.append({p.relative_to(docs): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()})
    assert snapshots[0] == snapshots[1]
    speech_pages = [p for p in snapshots[0] if p.parent == Path("speeches") and p.stem != "index" and p.suffix == ".md"]
    assert len(speech_pages) == 5
    report = snapshots[0][Path("report.md")].decode("utf-8")
    assert "000\\_empty\\.txt" in report or "000_empty.txt" in report


def test_strict_build_fails_on_a_refused_source(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "bad.txt").write_bytes(b"\x00" * 100)
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    result = jianghua("build", "--strict", "--seeds", str(seeds), "--docs", str(docs), check=False)
    assert result.returncode == 1
    assert "bad.txt" in result.stderr


def test_ids_do_not_depend_on_file_names(tmp_path):
    renamed = tmp_path / "另一个名字.txt"
    shutil.copy(SEEDS / "004_6caaa7418dfaaf5a.txt", renamed)
    original = front_matter(jianghua("clean", str(SEEDS / "004_6caaa7418dfaaf5a.txt")).stdout)
    moved = front_matter(jianghua("clean", str(renamed)).stdout)
    assert original["id"] == moved["id"]


def test_a_rebuild_cleans_only_the_changed_source(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    build = ("build", "--seeds", str(seeds), "--docs", str(docs), "--cache-dir", str(tmp_path / "cache"))
    assert "cleaned 5 sources, 0 unchanged" in jianghua(*build).stderr
    first = {p: p.read_bytes() for p in docs.rglob("*.md")}
    assert "cleaned 0 sources, 5 unchanged" in jianghua(*build).stderr
    assert {p: p.read_bytes() for p in docs.rglob("*.md")} == first, "cached speeches give the same pages"
    changed = seeds / "004_6caaa7418dfaaf5a.txt"
    before = (docs / "redirects.yaml").read_text(encoding="utf-8")
    old_id = front_matter(jianghua("clean", str(changed)).stdout)["id"]
    changed.write_bytes(changed.read_bytes() + "\n以上讲话，请认真贯彻落实。".encode("utf-8"))
    assert "cleaned 1 sources, 4 unchanged" in jianghua(*build).stderr
    new_id = front_matter(jianghua("clean", str(changed)).stdout)["id"]
    moved = yaml.safe_load((docs / "redirects.yaml").read_text(encoding="utf-8"))
    assert moved.pop(f"speeches/{old_id}.md") == f"speeches/{new_id}.md", "the replaced file's old address is kept"
    followed = {
        page: f"speeches/{new_id}.md" if target == f"speeches/{old_id}.md" else target
        for page, target in yaml.safe_load(before).items()
    }
    assert moved == followed, "the redirects of earlier builds stay, and lead to today's page"


def test_a_replaced_source_keeps_its_old_address_as_a_redirect(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for seed in ("002_7b7c71f2c8cca3fb.txt", "004_6caaa7418dfaaf5a.txt"):
        shutil.copy(SEEDS / seed, seeds / seed)
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    common = ("--seeds", str(seeds), "--docs", str(docs), "--cache-dir", str(tmp_path / "cache"))
    jianghua("build", *common)
    replaced = seeds / "004_6caaa7418dfaaf5a.txt"
    old_id = front_matter(jianghua("clean", str(replaced)).stdout)["id"]
    replaced.write_bytes(replaced.read_bytes().replace("。".encode("utf-8"), "。 ".encode("utf-8"), 1))
    new_id = front_matter(jianghua("clean", str(replaced)).stdout)["id"]
    assert new_id != old_id
    site = tmp_path / "site"
    jianghua("site", *common, "--site-dir", str(site))
    assert not (docs / "speeches" / f"{old_id}.md").exists()
    redirect = (site / "speeches" / old_id / "index.html").read_text(encoding="utf-8")
    assert f'url=../{new_id}/"' in redirect, "the old address sends the reader to the new page"
    assert "location.hash" in redirect, "a link to a paragraph keeps its anchor"
    jianghua("site", *common, "--site-dir", str(site))
    assert (site / "speeches" / old_id / "index.html").is_file(), "the redirect survives the next build"
