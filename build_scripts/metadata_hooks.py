"""MkDocs build events for speech metadata: each speech page's front matter checked against the schema, and the schema published with the site."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from build_scripts.schema import SCHEMA_PATH, FrontMatterError, json_schema, validate


def on_files(files, config, **kwargs):
    """Publish the front matter's JSON Schema at schema/speech.schema.json, so pages can link to it."""
    files.append(File.generated(config, SCHEMA_PATH, content=json_schema()))
    return files


def on_page_markdown(markdown, page, config, files, **kwargs):
    """Refuse to build a speech page whose front matter does not follow the schema."""
    if page.meta.get("id"):
        try:
            validate(page.meta, page.file.src_uri)
        except FrontMatterError as error:
            raise PluginError(str(error)) from None
    return markdown
