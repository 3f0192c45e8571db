"""Unit tests for ledger.uscc: GB 32100 mod-31 and GB 11714 organisation-code checks."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc

from ledger.errors import BadInput, FieldError
from ledger.uscc import complete_uscc, org_code_check_char, validate_uscc

# Published codes listed as valid in python-stdnum's tests/test_cn_uscc.doctest
# (arthurdejong/python-stdnum, LGPL-2.1+; a selection).  Each also passes the
# GB 11714 organisation-code check that stdnum does not perform, including codes
# whose 17th character is X (check value 10) and MA... codes with letters.
PUBLISHED = [
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "911522010783710635",
    "91152201078371135X",
    "91310000631696382C",
    "91310000797046224D",
    "91310112087994932F",
    "913101127033980359",
    "913101145852519045",
    "913101153325803473",
    "91310115MA1K3BTP2B",
    "91310116052958608G",
    "913101203509708598",
    "9131012056010553X5",
    "91320214745555318W",
    "913205056082348768",
    "913304007429141869",
    "91340600MA2PBM9HXD",
    "91340603MA2UJXXCXF",
    "913505007821784439",
    "91371082775260043P",
    "914112810713741814",
    "91420684MA4927PJ7B",
    "91440300568520498A",
    "9144030071526726XG",
    "9144060573144633XL",
    "91442000696462712R",
    "91620100719023721L",
    "91620105224521729E",
    "91620105L015101280",
    "91620105MA71T4YW8Q",
    "91620105MA73NBBLXE",
    "92340602MA2PBMEM24",
    "92340621MA2PBKRXXG",
    "92340621MA2PBN0KXX",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert validate_uscc(code, "body.uscc") == code


@pytest.mark.parametrize("code", PUBLISHED)
def test_complete_uscc_reproduces_published_codes(code: str) -> None:
    assert complete_uscc(code[:16]) == code


def test_org_code_check_by_hand() -> None:
    # 91110000600037341L, organisation code body 60003734:
    #   6*3 + 0*7 + 0*9 + 0*10 + 3*5 + 7*8 + 3*4 + 4*2
    #   = 18 + 0 + 0 + 0 + 15 + 56 + 12 + 8 = 109
    #   109 mod 11 = 10; 11 - 10 = 1  -> check character '1' (the 17th)
    assert org_code_check_char("60003734") == "1"
    # 91340600MA2PBM9HXD, body MA2PBM9H with M=22 A=10 P=25 B=11 H=17:
    #   22*3 + 10*7 + 2*9 + 25*10 + 11*5 + 22*8 + 9*4 + 17*2
    #   = 66 + 70 + 18 + 250 + 55 + 176 + 36 + 34 = 705
    #   705 mod 11 = 1; 11 - 1 = 10 -> written 'X'
    assert org_code_check_char("MA2PBM9H") == "X"
    # A sum divisible by 11 gives 11, written '0': body 00000000 -> 0 mod 11 = 0.
    assert org_code_check_char("00000000") == "0"


def test_complete_uscc_by_hand() -> None:
    # Fictional demo enterprise in 岳阳楼区 (430602): prefix 91430602MA4L0001.
    # Character 17, GB 11714 over MA4L0001 (letters A=10 ... so M=22, L=21):
    #   22*3 + 10*7 + 4*9 + 21*10 + 0*5 + 0*8 + 0*4 + 1*2
    #   = 66 + 70 + 36 + 210 + 0 + 0 + 0 + 2 = 384
    #   384 mod 11 = 10; 11 - 10 = 1 -> '1'
    # Character 18, GB 32100 mod 31 over 91430602MA4L00011 with the USCC
    # alphabet 0-9A-HJ-NP-RTUW-Y (no I, O, S, V, Z: so M=21, L=20, A=10) and
    # weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    #   9*1 + 1*3 + 4*9 + 3*27 + 0*19 + 6*26 + 0*16 + 2*17 + 21*20 + 10*29
    #   + 4*25 + 20*13 + 0*8 + 0*24 + 0*10 + 1*30 + 1*28
    #   = 9 + 3 + 36 + 81 + 0 + 156 + 0 + 34 + 420 + 290 + 100 + 260 + 0 + 0 + 0 + 30 + 28
    #   = 1447; 1447 mod 31 = 21; (31 - 21) mod 31 = 10 -> 'A'
    assert complete_uscc("91430602MA4L0001") == "91430602MA4L00011A"
    assert stdnum_uscc.is_valid("91430602MA4L00011A")


def _with_org_check(code17: str) -> str:
    """A code whose mod-31 character is right for the given first 17 characters."""
    return code17 + stdnum_uscc.calc_check_digit(code17)


def test_bad_org_code_check_with_good_mod31() -> None:
    code = _with_org_check("91110000600037342")  # 17th should be '1'
    assert stdnum_uscc.is_valid(code)  # python-stdnum does not look at the 17th
    with pytest.raises(FieldError) as err:
        validate_uscc(code, "body.uscc")
    assert err.value.field == "body.uscc"
    assert "GB 11714" in err.value.reason
    assert "expected '1'" in err.value.reason


def test_bad_mod31_check() -> None:
    with pytest.raises(FieldError) as err:
        validate_uscc("91110000600037341N", "body.enterprise")
    assert err.value.field == "body.enterprise"
    assert "mod-31" in err.value.reason
    assert "expected 'L'" in err.value.reason


def test_lower_case_refused_although_stdnum_normalises_it() -> None:
    assert stdnum_uscc.is_valid("91620105ma71t4yw8q")
    with pytest.raises(FieldError) as err:
        validate_uscc("91620105ma71t4yw8q", "body.uscc")
    assert "upper-case" in err.value.reason


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("9111000060003734", "exactly 18 characters"),
        ("91110000600037341L0", "exactly 18 characters"),
        (" 91110000600037341L", "exactly 18 characters"),
        ("91 110000 600037341L", "exactly 18 characters"),
        ("", "exactly 18 characters"),
        ("A1110000600037341L", "must be a digit"),
        ("9111000060003I341L", "GB 32100 alphabet"),
        ("9111000060003734OL", "GB 32100 alphabet"),
        ("91110000600037341-", "GB 32100 alphabet"),
        (91110000600037341, "must be a string"),
        (None, "must be a string"),
    ],
)
def test_malformed_codes(value: object, words: str) -> None:
    with pytest.raises(FieldError) as err:
        validate_uscc(value, "body.uscc")
    assert err.value.field == "body.uscc"
    assert words in err.value.reason


@pytest.mark.parametrize(
    "prefix", ["914306020000000", "9143060200000000X", "91430602MA4L00I1", "A143060200000000"]
)
def test_complete_uscc_refuses_bad_prefix(prefix: str) -> None:
    with pytest.raises(BadInput):
        complete_uscc(prefix)
