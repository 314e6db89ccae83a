"""Reading an HTML report in tests without a browser: its elements, text and outside references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "wbr"}
SVG_SELF_CLOSING = {"rect", "path", "circle", "line", "polyline", "polygon", "ellipse"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1].tag == tag:
            self.open.pop()
        else:
            self.unbalanced.append(tag)

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text.append(data)


@dataclass
class HtmlPage:
    source: str
    elements: list[Element]
    unbalanced: list[str]

    def find(self, tag: str, *classes: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and set(classes) <= e.classes]

    def by_id(self, identifier: str) -> Element:
        (element,) = [e for e in self.elements if e.attrs.get("id") == identifier]
        return element

    def outside_references(self) -> list[str]:
        """Every address the page would load or link to outside itself."""
        found = []
        for element in self.elements:
            for name in ("src", "href", "data", "action", "xlink:href", "srcset"):
                value = element.attrs.get(name)
                if value is not None and not value.startswith("#"):
                    found.append(f"<{element.tag} {name}={value!r}>")
            if element.tag == "link":
                found.append(f"<link {element.attrs}>")
        found += re.findall(r"url\((?!#)[^)]*\)|@import", self.source)
        return found


def read_page(text: str) -> HtmlPage:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return HtmlPage(text, reader.elements, reader.unbalanced + [e.tag for e in reader.open])


def text_of(element: Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.text)).strip()
