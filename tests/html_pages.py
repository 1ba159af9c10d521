"""Reading the report's pages as a browser would have to: a strict HTML parse into a small tree.

Every element the report writes is closed explicitly, so the parse insists on it: an end tag
that does not close the element open, or an element left open, is an error (`Page.problems`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def all(self, tag: str, **attrs: str) -> list[Node]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if node.tag == tag and all(node.attrs.get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str, **attrs: str) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 0)
        self.stack = [self.root]
        self.problems: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def _node(self, tag: str, attrs: list[tuple[str, str | None]]) -> Node:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self._node(tag, attrs)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._node(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes a void element")
            return
        open_ = self.stack[-1]
        if open_.tag != tag:
            self.problems.append(
                f"line {self.getpos()[0]}: </{tag}> while <{open_.tag}> (line {open_.line}) is open"
            )
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Page:
    path: Path | None
    root: Node
    problems: list[str]
    doctype: bool

    @staticmethod
    def read(path: Path) -> Page:
        return Page.parse(path.read_text(encoding="utf-8"), path)

    @staticmethod
    def parse(html: str, path: Path | None = None) -> Page:
        parser = _Parser()
        parser.feed(html)
        parser.close()
        problems = list(parser.problems)
        problems += [f"<{n.tag}> (line {n.line}) is never closed" for n in parser.stack[1:]]
        ids = [n.attrs["id"] for n in parser.root.iter() if "id" in n.attrs]
        problems += [
            f"id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})
        ]
        return Page(path, parser.root, problems, parser.doctype)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        return self.root.all(tag, **attrs)

    def one(self, tag: str, **attrs: str) -> Node:
        return self.root.one(tag, **attrs)

    def ids(self) -> set[str]:
        return {n.attrs["id"] for n in self.root.iter() if "id" in n.attrs}
