"""Lost-byte GBK mojibake: decoded text in, text with damaged spans found (and listed) out."""

from __future__ import annotations

import re

from .speech import Change

# A lead byte that became "?" leaves every following GBK character misaligned
# until an ASCII byte re-synchronises the stream, so a damaged span runs from the
# "?" to the next ASCII character. Private-use and kana characters inside Chinese
# text are the same misalignment seen without a "?" in front.
_SPAN = re.compile(r"\?(?=[^\x00-\x7f])[^\x00-\x7f]*|[^\x00-\x7f]*[\ue000-\uf8ff\u3040-\u30ff][^\x00-\x7f]*")


def repair(text: str) -> tuple[str, list[Change]]:
    """Return the text unchanged and one `unrepaired` record per damaged span."""
    return text, [
        Change("mojibake", "unrepaired", m.start(), m.group(0), m.group(0), note="lost-byte GBK span left as found")
        for m in _SPAN.finditer(text)
    ]
