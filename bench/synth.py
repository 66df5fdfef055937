"""A count N in, a folder of N realistic raw speech files out (for benchmarks at archive scale).

Each file is assembled the way the scraped sources are: a title naming an office, a
county from the cpca gazetteer and a meeting; paragraphs drawn from the clean seeds
and from the government work reports; a year; one of the sites' page layouts (with
their boilerplate and truncation notices); and for Traditional-script sites the
damage chain of `damage.py` (pinyin, ASCII punctuation, lost GBK bytes).

    python bench/synth.py 1000 /tmp/synth-1000
"""

from __future__ import annotations

import argparse
import random
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from damage import DamageConfig, corpus_documents, damage  # noqa: E402

from build_scripts.pipeline import process  # noqa: E402

OFFICES = ("县委书记", "县长", "市委组织部部长", "镇党委书记", "市委书记", "县委副书记", "乡长", "驻村第一书记")
MEETINGS = ("脱贫攻坚调度会", "乡村振兴推进会", "基层党建工作会议", "驻村帮扶工作推进会", "安全生产工作会议",
            "招商引资动员大会", "作风建设大会", "信访维稳工作会议", "农村人居环境整治现场会", "疫情防控工作会议")
LAYOUTS = ("paywall", "document-site", "summary", "plain")


@lru_cache(maxsize=1)
def counties() -> list[str]:
    import cpca

    return sorted({a.name for a in cpca.ad_2_addr_dict.values() if a.name.endswith("县")})


@lru_cache(maxsize=1)
def paragraphs() -> list[str]:
    """Clean paragraphs to draw from: the seeds as the archive cleans them, and the reports."""
    pool = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        speech = process(seed.name, seed.read_bytes())
        pool += [b.text for b in speech.blocks if b.kind == "paragraph" and len(b.text) > 40]
    for document in corpus_documents():
        pool += [p.strip() for p in document.split("\n") if len(p.strip()) > 40]
    return pool


def speech_text(rng: random.Random, chars: int) -> list[str]:
    pool = paragraphs()
    out, total = [], 0
    while total < chars:
        paragraph = pool[rng.randrange(len(pool))]
        out.append(paragraph)
        total += len(paragraph)
    return out


def layout(rng: random.Random, title: str, body: list[str], year: int, traditional: bool) -> str:
    """Wrap a body in one of the source sites' page layouts."""
    kind = LAYOUTS[rng.randrange(len(LAYOUTS))]
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    text = "\n".join(body)
    if kind == "paywall":
        shown = len(text) // 2
        return (
            f"您的位置:新文秘網>>黨務講話/>>正文\n\n{title}\n\n發表時間:{year}/{month}/{day} 10:00:00\n{title}\n\n"
            f"同志們:\n{text[:shown]} ……(未完,全文共{len(text)}字,當前僅顯示{shown}字,請閱讀下面提示信息。"
            f"收藏《{title}》\n文章搜索\n相關文章\n"
        )
    if kind == "document-site":
        chunks = [text[i : i + 400] for i in range(0, len(text), 400)]
        numbered = "\n".join(f"{n}、{chunk}" for n, chunk in enumerate(chunks, start=1))
        return (
            f"《{title}.docx》由会员分享,可在线阅读,更多相关《{title}.docx({len(chunks)}页珍藏版)》"
            f"请在淘文阁 - 分享文档赚钱的网站上搜索。\n{numbered}\n"
        )
    if kind == "summary":
        return f"{title} 本文簡介:\n{text[:80]}\n{title} 本文內容:\n{text}\n{title} 本文關鍵詞:講話,{year}\n"
    return f"{title}\n\n時間:{year}-{month:02d}-{day:02d} 09:00:00\n\n{title}\n\n" + "\n\n".join(body) + "\n"


def synthesize(index: int, chars: int = 6000) -> tuple[str, bytes]:
    """The file name and bytes of synthetic speech number `index` (the same index gives the same file)."""
    rng = random.Random(index)
    year = rng.randint(2008, 2023)
    title = f"{OFFICES[rng.randrange(len(OFFICES))]}在{counties()[rng.randrange(len(counties()))]}{year}年{MEETINGS[rng.randrange(len(MEETINGS))]}上的讲话"
    body = speech_text(rng, chars)
    traditional = rng.random() < 0.6
    if traditional:
        sample = damage("\n".join(body), rng, DamageConfig())
        body = sample.damaged.split("\n")
        title = damage(title, random.Random(index + 1), DamageConfig(lost_lead=0, lost_full_stop=0)).site_text
    page = layout(rng, title, body, year, traditional)
    return f"synth_{index:06d}.txt", page.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--chars", type=int, default=6000, help="characters of speech text per file")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        name, data = synthesize(index, args.chars)
        (args.folder / name).write_bytes(data)
    print(f"wrote {args.count} speeches to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
