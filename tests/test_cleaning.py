"""Each cleaning step on small inputs written here, and the change log that makes every step undoable."""

from __future__ import annotations

import pytest

from build_scripts import fixes
from build_scripts.boilerplate import GAP, strip_boilerplate
from build_scripts.decode import Refused, decode_bytes
from build_scripts.script import to_simplified
from build_scripts.speech import undo

SPEECH = "同志们：今天我们召开脱贫攻坚调度会，主要是总结前段工作，部署下步任务。"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"],
)
def test_decodes_every_source_encoding(encoding):
    text = "縣委書記在全縣脫貧攻堅推進會上的講話" if encoding == "big5" else SPEECH * 3
    decoded, found = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert found


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"  \n\t", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary")],
)
def test_refuses_what_is_not_text(data, reason):
    with pytest.raises(Refused, match=reason):
        decode_bytes(data)


def test_normalize_removes_invisible_and_bidi_characters():
    text, changes = fixes.normalize_controls("今天\u200b开会\r\n同志\u202e们\ufeff")
    assert text == "今天开会\n同志们"
    assert {c.kind for c in changes} == {"line-ending", "invisible-character"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("脫貧攻堅(jiān)調(diào)度會", "脫貧攻堅調度會"),
        ("綠(lǜ)色", "綠色"),
        ("創(chuàng)新", "創新"),
        ("開展(ppp)項目", "開展(ppp)項目"),
        ("英文(English)不動", "英文(English)不動"),
    ],
)
def test_pinyin_annotations_are_removed_and_only_they(raw, clean):
    assert fixes.remove_pinyin(raw)[0] == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("刚才,小林同志讲了;很好!", "刚才，小林同志讲了；很好！"),
        ("什么呢?刘县长", "什么呢？刘县长"),
        ("时间:2020年", "时间：2020年"),
        ("(2020年5月7日)", "（2020年5月7日）"),
        ("村(社区)干部", "村（社区）干部"),
        ("1,000元 11:01 3.5米", "1,000元 11:01 3.5米"),
        ("(PPP)", "(PPP)"),
    ],
)
def test_ascii_punctuation_becomes_full_width_in_chinese_context(raw, clean):
    assert fixes.full_width_punctuation(raw)[0] == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("月度工作 推进会", "月度工作推进会"),
        ("汇报了 7月份", "汇报了7月份"),
        ("　　同志们：", "同志们："),
        ("采用 PPP 模式", "采用 PPP 模式"),
    ],
)
def test_pdf_wrap_spaces_are_removed(raw, clean):
    assert fixes.remove_wrap_spaces(raw)[0] == clean


def test_opencc_keeps_wording_and_converts_zhe():
    text, changes = to_simplified("意識到著重抓好指標")
    assert text == "意识到着重抓好指标"
    assert all(c.stage == "script" for c in changes)


def test_boilerplate_of_the_paywalled_site_becomes_metadata():
    raw = (
        "您的位置:新文秘網>>黨務講話/駐點/>>正文\n\n"
        "在全市推進會上的講話\n\n"
        "發表時間:2018/11/6 21:05:05\n"
        "目錄/提綱:……\n一、為什么召開這個會?\n……\n"
        "在全市推進會上的講話\n\n"
        f"同志們:\n{SPEECH}\n"
        "……(新文秘網http://www.example.cn省略724字,正式會員可完整閱讀)…… \n"
        f"{SPEECH} ……(未完,全文共4027字,當前僅顯示2034字,請閱讀下面提示信息。收藏《在全市推進會上的講話》\n"
        "文章搜索\n相關文章\n"
    )
    text, found = strip_boilerplate(raw)
    meta = found.meta
    assert meta["source_site"] == "新文秘網"
    assert meta["published"] == "2018-11-06"
    assert meta["page_title"] == "在全市推進會上的講話"
    assert meta["source_outline"] == ["一、為什么召開這個會?"]
    assert (meta["chars_total"], meta["chars_shown"], meta["chars_omitted"]) == (4027, 2034, 724)
    assert meta["source_url"] == "http://www.example.cn"
    assert text.count(GAP) == 4  # two gaps, each marked at both ends
    for word in ("您的位置", "發表時間", "目錄", "未完", "文章搜索", "相關文章", "正式會員"):
        assert word not in text
    assert "在全市推進會上的講話" not in text
    assert text.count(SPEECH) == 2
    assert any("文章搜索" in c.original for c in found.changes), "what was removed is recorded"


def test_document_site_header_and_page_chunks():
    raw = (
        "《县委书记在全县推进会上的讲话.docx》由会员分享,可在线阅读,更多相关《县委书记在全县推进会上的讲话.docx(15页珍藏版)》"
        "请在淘文阁 - 分享文档赚钱的网站上搜索。\n"
        "1、县委书记在全县推进会上的讲话同志们:今天,我们召开推进\n2、会,主要目的是深入贯彻\n限制150内\n"
    )
    text, found = strip_boilerplate(raw)
    assert found.meta["original_file"] == "县委书记在全县推进会上的讲话.docx"
    assert found.meta["page_count"] == 15
    assert found.meta["source_site"] == "淘文阁"
    assert text.strip() == "同志们:今天,我们召开推进会,主要目的是深入贯彻"


def test_summary_keywords_and_disclaimer_of_the_other_site():
    raw = (
        "縣委書記調度會講話 本文簡介:\n剛才,小林同志代表縣委……\n"
        "縣委書記調度會講話 本文內容:\n剛才,小林同志代表縣委縣政府做了通報。\n"
        "縣委書記調度會講話 本文關鍵詞:脫貧,攻堅,縣委書記\n"
        "來源:網絡整理 免責聲明:本文僅限學習分享,如產生版權問題,請聯系我們及時刪除。\n"
    )
    text, found = strip_boilerplate(raw)
    assert text.strip() == "剛才,小林同志代表縣委縣政府做了通報。"
    assert found.meta["source_keywords"] == ["脫貧", "攻堅", "縣委書記"]
    assert found.meta["page_title"] == "縣委書記調度會講話"
    assert {c.kind for c in found.changes} >= {"duplicate-summary", "content-label", "keywords-line", "disclaimer"}


def test_a_wiki_licence_box_at_the_end_is_removed_with_its_record():
    speech = "各位代表：\n\n让我们团结一心，为本作品中提到的目标而奋斗！\n"
    licence = (
        "\n\n本作品是中华人民共和国的\n法律\n、\n法规\n，……根据《\n中华人民共和国著作权法\n》第五条第一项，"
        "本作品不适用于该法，属于\n公有领域\n。\n\n\nPublic domain\nPublic domain\nfalse\nfalse"
    )
    text, found = strip_boilerplate(speech + licence, {"page_title": "政府工作报告"})
    assert text.rstrip() == speech.rstrip()
    assert [(c.kind, c.original.strip()) for c in found.changes] == [("licence-notice", licence.strip())]
    assert strip_boilerplate(speech, {"page_title": "政府工作报告"})[0] == speech, "a speech that only mentions 本作品 keeps it"


@pytest.mark.parametrize(
    "fixer",
    [fixes.normalize_controls, fixes.remove_pinyin, fixes.full_width_punctuation, fixes.remove_wrap_spaces],
)
def test_every_fixer_can_be_undone(fixer):
    raw = "縣委(xiàn)書記\r\n在 全縣\u200b大會上,講了(2020年)什么呢?　 很好! 1,000元"
    text, changes = fixer(raw)
    # A fixer with several passes is undone pass by pass, last first.
    for kind in reversed(list(dict.fromkeys(c.kind for c in changes))):
        text = undo(text, [c for c in changes if c.kind == kind])
    assert text == raw
