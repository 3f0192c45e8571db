"""Line breaking over random CJK, ASCII and USCC text: the kinsoku rules always hold.

GB/T 15834 (as reportlab's CJK wrap applies it): closing punctuation and
brackets never start a line, opening brackets never end one; nothing but
spaces at breaks is lost; a line is wider than the cell only where no break
is allowed inside it (punctuation hangs rather than break a rule).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_reports.linebreak import NO_LINE_END, NO_LINE_START, LineBreaker

from ledger.uscc import complete_uscc
from tests.helpers.pdf import cjk_font_or_skip

CJK = "岳阳市财政局城管执法综合教育承诺合同款项逾期未付新官不理旧账"
PUNCT = "".join(sorted(NO_LINE_START | NO_LINE_END))

_uscc = st.from_regex(r"91430[0-9]{3}MA4[0-9A-HJ-NP-RT-UW-Y]{5}", fullmatch=True).map(complete_uscc)
_piece = st.one_of(
    st.text(alphabet=CJK, min_size=1, max_size=12),
    st.text(alphabet="abcXYZ0123456789-_./:", min_size=1, max_size=30),
    st.text(alphabet=PUNCT, min_size=1, max_size=3),
    st.just(" "),
    _uscc,
    _uscc.map(lambda u: f"（{u}）"),
    st.builds(lambda a, b: f"{a}（{b}）", st.text(alphabet=CJK, min_size=1, max_size=8), _uscc),
)
TEXT = st.lists(_piece, min_size=1, max_size=12).map("".join)


@pytest.fixture(scope="module")
def lb() -> LineBreaker:
    return LineBreaker(cjk_font_or_skip().name, 9)


def _may_break(line: str, i: int) -> bool:
    return line[i] not in NO_LINE_START and line[i - 1] not in NO_LINE_END and not line[i].isspace()


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT, avail=st.integers(min_value=12, max_value=260))
def test_kinsoku_holds_for_any_text(lb: LineBreaker, text: str, avail: int) -> None:
    lines = lb.lines(text, avail)
    for line in lines[1:]:
        assert line and line[0] not in NO_LINE_START, (text, avail, lines)
    for line in lines[:-1]:
        assert line and line[-1] not in NO_LINE_END, (text, avail, lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    for line in lines:
        if lb.width(line) > avail:
            assert len(line) == 1 or not any(_may_break(line, i) for i in range(1, len(line))), (
                text,
                avail,
                line,
            )


def test_a_uscc_in_brackets_does_not_leave_its_bracket_alone(lb: LineBreaker) -> None:
    """The case of issue 12: the fallback cut left '）' at the start of a line."""
    text = "（91430602MA4W0H6U3W）"
    for avail in range(20, 140):
        lines = lb.lines(text, avail)
        assert all(x[0] != "）" for x in lines[1:]), (avail, lines)
        assert all(x[-1] != "（" for x in lines[:-1]), (avail, lines)
