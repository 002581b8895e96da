"""The fast reader (rapidyaml) must read every document it accepts exactly as the exact reader
(libyaml + go-yaml v2 resolution) does; everything else goes to the exact reader."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, needs_shared
from kubelint.load import fast
from kubelint.load.exact import parse_exact, syntax_error
from kubelint.load.reader import is_trivial, split_documents

pytestmark = pytest.mark.skipif(not fast.available(), reason="rapidyaml is not installed")


def agree(text: str) -> None:
    """Where the reader would use the fast path (see reader._parse_chunk), it must match."""
    if fast.needs_exact(text) or is_trivial(text) or syntax_error(text) is not None:
        return
    try:
        fast_value = fast.parse_fast(text)
    except fast.FastReaderDeclined:
        return
    exact = parse_exact(text)
    assert exact.problems == [], text
    assert fast_value == exact.data, text
    assert _types(fast_value) == _types(exact.data), text


def _types(value):
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


@needs_shared(CORPUS)
def test_fast_and_exact_readers_agree_on_the_corpus():
    checked = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for chunk in split_documents(text):
            agree(chunk.text)
            checked += 1
    assert checked > 1500


SCALARS = st.one_of(
    st.sampled_from(["yes", "No", "ON", "off", "y", "n", "true", "False", "null", "~", "Null", "", "0", "00", "0755",
                     "08", "0x1F", "0o17", "0b101", "1_000", "+1", "-1", "1.", ".5", "-.5", "1e3", "1E+3", "1e400",
                     "12345678901234567890", "1:20", "190:20:30", "2001-12-14", ".inf", "-.Inf", ".nan", "=", "<<",
                     "1.2.3", "10.0.0.1", "100m", "1Gi", "a: b", "#x", "x #y", "-", "?", "*", "&", "!", "%", "@",
                     "`", "'", '"', "|", ">", "[", "]", "{", "}", ",", "é", "\\t"]),
    st.from_regex(r"[-+.0-9a-zA-Z_:]{1,12}", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(key=SCALARS, value=SCALARS, item=SCALARS)
def test_random_scalars_read_alike(key, value, item):
    for text in (f"{key or 'k'}: {value}\n", f"k: [{item}, {value}]\n", f"- {value}\n- {{a: {item}}}\n",
                 f"k:\n  - {item}\n  - {key}: {value}\n"):
        agree(text)
