"""Which encoding a file's bytes are in: a byte-order mark, what the file declares, or a guess.

Labels are read as browsers read them (the WHATWG Encoding Standard): GB2312 and GBK are decoded
as GB18030, which holds both; ISO-8859-1 and US-ASCII as Windows-1252, which differs only where
ISO-8859-1 has control characters that no text uses; likewise ISO-8859-9 as Windows-1254,
TIS-620 as Windows-874, EUC-KR as Windows-949, Shift_JIS as Windows-31J and Big5 as Big5-HKSCS.

A guess is charset-normalizer's, except that Windows-1252 is taken over another single-byte
Latin encoding that reads the bytes as well (charset-normalizer names the first of equals it
finds, often Windows-1250): Western European text is far the more common.
"""

from __future__ import annotations

import codecs

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16's, which it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
WESTERN = "cp1252"
TIE = 0.005  # charset-normalizer's coherence within which two guesses are equals


def bom(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark names, and the mark's length."""
    for mark, name in BOMS:
        if data.startswith(mark):
            return name, len(mark)
    return None


def canonical(label: str) -> str | None:
    """Python's codec for an encoding label, as a browser reads it; None when unknown."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def decoded(data: bytes, encoding: str) -> str | None:
    """The bytes decoded strictly, or None when they are not in that encoding. Windows-1252 is
    read as browsers read it: the five bytes Python's cp1252 leaves undefined are the control
    characters of the same number, as in ISO-8859-1."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    if encoding == WESTERN:
        return data.decode("iso8859-1")  # every byte is defined there
    return None


def guessed(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's guess at the bytes' encoding, and the text read with it; None when
    nothing reads them as text."""
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        western = WESTERN in match.could_be_from_charset
        if western and match.chaos <= best.chaos and match.coherence >= best.coherence - TIE:
            text = decoded(data, WESTERN)
            if text is not None:
                return WESTERN, text
    encoding = canonical(best.encoding) or best.encoding
    text = decoded(data, encoding)
    return (encoding, text) if text is not None else (best.encoding, str(best))
