"""A speech page's front matter in, the validated metadata (or an error naming the file and the field) out; and the JSON Schema the site publishes."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .extract import LEVELS, occasion_types
from .topics import topic_names

Level = Literal[LEVELS]  # type: ignore[valid-type]
OccasionType = Literal[tuple(dict.fromkeys(kind for _, kind in occasion_types()))]  # type: ignore[valid-type]
TopicName = Literal[tuple(topic_names())]  # type: ignore[valid-type]
_DAY = r"^\d{4}-\d{2}-\d{2}$"
SCHEMA_PATH = "schema/speech.schema.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Speaker(_Strict):
    """Who gave the speech."""

    office: str | None = Field(None, description="职务，如县委书记、市委组织部部长；推断时为“县主要领导”这样的说法")
    level: Level | None = Field(None, description="政府层级")
    name: str | None = Field(None, description="姓名，只在讲话写出时填写")
    inferred: bool = Field(False, description="职务不是标题写明的，而是从正文推断的")
    evidence: list[str] = Field(default_factory=list, description="依据：标题，或正文中的原话")


class Place(_Strict):
    """Where the speaker governs."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    county_anonymised: str | None = Field(None, description="本县名称被隐去时的写法，如 WWW县、XX县")
    adcode: str | None = Field(None, pattern=r"^\d{6}$", description="最具体的已知行政区划的六位代码（cpca）")
    inferred: bool = Field(False, description="省、市、县是从提到的地名推断的")
    evidence: list[str] = Field(default_factory=list)
    reason: str | None = Field(None, description="不能确定地点时的原因")


class Occasion(_Strict):
    """The meeting the speech was given at."""

    name: str | None = Field(None, description="会议全称，照标题或正文")
    type: OccasionType | None = Field(None, description="会议类型，见 build_scripts/data/occasions.yaml")
    scope: Level | None = Field(None, description="会议范围（全县、全市……）")
    evidence: str | None = None
    reason: str | None = None


class DateEvidence(_Strict):
    """One thing that dates the speech."""

    event: str = Field(description="事件或依据，见 build_scripts/data/timeline.yaml")
    matched: str = Field(description="正文中的字样")
    quote: str = Field(description="正文原句")
    position: int = Field(ge=0, description="在整理后正文中的位置（字符）")
    years: str = Field(description="这一依据容许的年份")
    why: str


class YearRange(_Strict):
    """The years a speech may have been given in, when no one year is known."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: int = Field(alias="from", ge=1949)
    to: int | None = None


class Topic(_Strict):
    """A policy area of the editorial taxonomy (build_scripts/data/topics.yaml)."""

    name: TopicName
    hits: int = Field(ge=0, description="触发词在正文中出现的总次数")
    terms: dict[str, int] = Field(description="触发词及其次数")


class Person(_Strict):
    name: str
    title: str = Field(description="讲话给这个人的称呼或职务")
    written: str = Field(description="讲话中的写法，如“刘县长”“周泽民书记”")
    count: int = Field(ge=1)
    first: int = Field(ge=0, description="第一次出现在整理后正文中的位置（字符）")
    anonymised: bool = False


class PlaceMention(_Strict):
    name: str
    kind: Literal["province", "city", "county", "town", "village", "anonymised"]
    adcode: str | None = Field(None, pattern=r"^\d{6}$")
    written: str | None = Field(None, description="讲话中的写法，与规范名称不同时")
    count: int = Field(ge=1)
    first: int = Field(ge=0)


class Organisation(_Strict):
    name: str
    count: int = Field(ge=1)
    first: int = Field(ge=0)


class OutlineNode(_Strict):
    """A heading of the speech; `in_text: false` for a heading only the source's own outline gives."""

    title: str = Field(min_length=1)
    anchor: str | None = Field(None, pattern=r"^s\d+(-\d+)*$")
    in_text: bool = True
    children: list[OutlineNode] = Field(default_factory=list)


class RelatedSpeech(_Strict):
    """A speech of the archive similar to this one (TF-IDF over jieba's words, build_scripts/link.py)."""

    id: str = Field(pattern=r"^[0-9a-f]{12}$")
    title: str = Field(min_length=1)
    score: float = Field(ge=0, le=1, description="两篇讲话 TF-IDF 向量的余弦相似度")
    terms: list[str] = Field(default_factory=list, description="两篇讲话共有的、最有区别性的词")


class Difference(_Strict):
    """One place where an edition differs from the text: each side with a little unchanged text around the change."""

    text: str = Field(description="本篇正文此处的文字（为空：本篇没有）")
    edition: str = Field(description="该版本此处的文字（为空：该版本没有）")


class Edition(_Strict):
    """Another source's edition of the same speech (build_scripts/editions.py); its raw file is published beside the page."""

    source_file: str = Field(min_length=1)
    title: str | None = None
    source_site: str | None = None
    source_url: str | None = Field(None, pattern=r"^https?://")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="原始文件的 SHA-256")
    completeness: Literal["complete", "truncated", "gaps"] | None = None
    chars: int = Field(ge=0, description="正文字数（不计标点）")
    differences: list[Difference] = Field(default_factory=list, description="与本篇正文的差异，按正文顺序，只列前若干处")
    differences_total: int = Field(ge=0, description="差异的总处数")


class PassagePlace(_Strict):
    """A paragraph of another speech that holds the same passage."""

    id: str = Field(pattern=r"^[0-9a-f]{12}$")
    title: str = Field(min_length=1)
    anchor: str = Field(min_length=1, description="该段落的锚点")
    paragraph: int = Field(ge=1, description="该段落是那篇讲话的第几段")


class SharedPassage(_Strict):
    """A paragraph whose text (a long sentence, or the paragraph) other speeches hold too, exactly or nearly (build_scripts/passages.py)."""

    anchor: str = Field(min_length=1, description="本篇中该段落的锚点")
    count: int = Field(ge=1, description="含有这段文字的其他讲话的篇数")
    also: list[PassagePlace] = Field(min_length=1, description="链接到的其他段落：档案中排在前后最近的几处")


class SpeechMeta(_Strict):
    """The front matter of a speech page in the archive."""

    id: str = Field(pattern=r"^[0-9a-f]{12}$")
    title: str = Field(min_length=1, description="讲话自身的标题，不含网站用语")
    subtitle: str | None = None
    speaker: Speaker
    place: Place | None = None
    occasion: Occasion | None = None
    speech_date: str | None = Field(
        None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="讲话日期，精确到日、月或年；推断时只有年份"
    )
    speech_years: YearRange | None = Field(None, description="只能确定年份范围时")
    date_inferred: bool = False
    date_evidence: list[DateEvidence] = Field(default_factory=list)
    date_note: str | None = None
    published: str | None = Field(None, pattern=_DAY, description="在来源网站发布的日期")
    topics: list[Topic] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="来源网页的关键词，加上 jieba TF-IDF 的关键词")
    source_keywords: list[str] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    completeness: Literal["complete", "truncated", "gaps"]
    completeness_note: str | None = None
    truncated: bool = False
    chars_shown: int | None = Field(None, ge=0)
    chars_total: int | None = Field(None, ge=0)
    chars_omitted: int | None = Field(None, ge=0)
    collection: str | None = Field(None, min_length=1, description="所属文集：seeds/ 中的讲话为“讲话稿”，导入的语料为导入时所给的名称")
    source_file: str = Field(min_length=1)
    source_site: str | None = None
    source_url: str | None = Field(None, pattern=r"^https?://")
    source_category: str | None = None
    source_note: str | None = None
    original_file: str | None = None
    page_count: int | None = Field(None, ge=1)
    encoding: str | None = None
    # The two below belong to the reading of source files; their inner fields are theirs.
    source_format: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    script: Literal["simplified", "traditional"] | None = None
    outline: list[OutlineNode] = Field(default_factory=list)
    damaged_spans: list[dict[str, Any]] = Field(default_factory=list)
    related: list[RelatedSpeech] = Field(default_factory=list, max_length=5, description="最相似的讲话，最相似的在前")
    editions: list[Edition] = Field(default_factory=list, description="同一篇讲话来自其他来源的版本；正文取最完整的版本")
    shared_passages: list[SharedPassage] = Field(default_factory=list, description="其他讲话中也有的段落文字，按段落顺序")

    @model_validator(mode="after")
    def _consistent(self) -> SpeechMeta:
        if self.speech_date and self.speech_years:
            raise ValueError(
                "speech_years: not together with speech_date (a date, or a range of years when no date is known)"
            )
        if self.date_inferred and not self.date_evidence:
            raise ValueError("date_evidence: an inferred date needs its evidence")
        if (self.completeness == "truncated") != self.truncated:
            raise ValueError("truncated: must be true exactly when completeness is truncated")
        if self.chars_total is not None and self.chars_shown is not None and self.chars_shown > self.chars_total:
            raise ValueError("chars_shown: more than chars_total")
        return self


class FrontMatterError(ValueError):
    """A speech page whose front matter does not follow the schema; the message names the file and the fields."""


def _field(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "(front matter)"


def validate(meta: dict, where: str) -> SpeechMeta:
    """The front matter of the page at `where`, validated; FrontMatterError naming the file and each bad field.

    >>> validate({"id": "0123456789ab", "title": "讲话", "speaker": {"level": "州"},
    ...           "completeness": "complete", "source_file": "a.txt"}, "speeches/0123456789ab.md")
    Traceback (most recent call last):
    ...
    build_scripts.schema.FrontMatterError: speeches/0123456789ab.md: malformed front matter: field `speaker.level`: Input should be '中央', '省', '市', '县', '乡镇' or '村'
    """
    try:
        return SpeechMeta.model_validate(meta)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            message = item["msg"].removeprefix("Value error, ")
            named = re.match(r"(\w+): (.*)", message) if not item["loc"] else None
            location = named.group(1) if named else _field(item["loc"])
            problems.append(f"field `{location}`: {named.group(2) if named else message}")
        raise FrontMatterError(f"{where}: malformed front matter: " + "; ".join(problems)) from None


def json_schema() -> str:
    """The JSON Schema of a speech page's front matter, as the site publishes it."""
    schema = SpeechMeta.model_json_schema(by_alias=True)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_PATH, **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
