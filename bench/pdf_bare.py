"""The bare text extraction of a PDF: what `pledges source add FILE.pdf` cannot do with less.

    .venv/bin/python bench/pdf_bare.py FILE.pdf

Opens the PDF with pypdfium2 and extracts every page's text (`get_text_range`), nothing else:
no lines joined, no paragraphs, no language, no register. Prints how many characters it got.
"""

from __future__ import annotations

import sys

import pypdfium2  # type: ignore[import-untyped]


def main(path: str) -> int:
    pdf = pypdfium2.PdfDocument(path)
    characters = 0
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        characters += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    print(characters)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
