"""Line breaking of table cells: CJK anywhere, identifiers whole, kinsoku."""

from __future__ import annotations

import pytest
from ledger_reports.linebreak import LineBreaker

from tests.helpers.pdf import cjk_font_or_skip


@pytest.fixture(scope="module")
def lb() -> LineBreaker:
    return LineBreaker(cjk_font_or_skip().name, 10)


def test_text_that_fits_is_one_line(lb: LineBreaker) -> None:
    assert lb.lines("岳阳市财政局", 200) == ["岳阳市财政局"]


def test_every_line_fits_and_nothing_is_lost(lb: LineBreaker) -> None:
    text = "岳阳市城市管理和综合执法局城区园林绿化养护管理所（yy-cgzf）承接的合同HT-2024-00001"
    lines = lb.lines(text, 60)
    assert "".join(lines) == text
    assert all(lb.width(x) <= 60 for x in lines)


def test_identifiers_stay_whole_when_they_fit(lb: LineBreaker) -> None:
    lines = lb.lines("合同编号HT-2024-00001已逾期", 90)
    assert any("HT-2024-00001" in x for x in lines)


def test_closing_punctuation_never_starts_a_line(lb: LineBreaker) -> None:
    text = "这是一个测试段落，" * 12
    for width in range(40, 200, 7):
        for line in lb.lines(text, width)[1:]:
            assert line[0] not in "，。、）》", (width, line)


def test_opening_bracket_never_ends_a_line(lb: LineBreaker) -> None:
    text = "岳阳市城市管理局（yy-cgj）" * 6
    for width in range(40, 200, 5):
        for line in lb.lines(text, width)[:-1]:
            assert not line.endswith("（"), (width, line)


def test_explicit_newlines_are_kept(lb: LineBreaker) -> None:
    assert lb.lines("甲\n乙", 100) == ["甲", "乙"]


def test_a_word_wider_than_the_line_is_cut(lb: LineBreaker) -> None:
    h = "ab" * 32
    lines = lb.lines(h, 80)
    assert "".join(lines) == h and len(lines) > 1
    assert all(lb.width(x) <= 80 for x in lines)
