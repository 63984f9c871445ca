"""PubMed XML (``PubmedArticleSet`` as saved from PubMed or returned by E-utilities efetch).

Parsed with the expat stream parser directly, safely: any entity declaration (the basis of
"billion laughs" and external-entity attacks) stops the parse, and external entities and DTDs are
never fetched. Each ``PubmedArticle`` becomes one citation; a file that stops being well-formed
keeps the records read before the error, which is reported with its line.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

from evisynth.io._citation import RawRecord, collect, finish
from evisynth.records.model import Citation, ParseProblem, ParseResult


@dataclass(slots=True)
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # own text and children's text, in order

    def find(self, path: str) -> _Node | None:
        node: _Node | None = self
        for step in path.split("/"):
            node = next((c for c in node.children if c.tag == step), None) if node else None
        return node

    def findall(self, path: str) -> list[_Node]:
        *head, last = path.split("/")
        parent = self.find("/".join(head)) if head else self
        return [c for c in parent.children if c.tag == last] if parent else []

    def text(self) -> str:
        return "".join(self.parts)


class _EntityRefused(Exception):
    pass


def _text(node: _Node | None) -> str:
    return node.text() if node is not None else ""


def _build(article: _Node) -> Citation | ParseProblem:
    cit = article.find("MedlineCitation")
    if cit is None:
        return ParseProblem(article.line, "PubmedArticle has no MedlineCitation; skipped")
    art = cit.find("Article")
    raw = RawRecord(line=article.line, database="PubMed")
    raw.pmid = _text(cit.find("PMID"))
    if art is None:
        return ParseProblem(article.line, "PubmedArticle has no Article element; skipped")
    raw.title = _text(art.find("ArticleTitle")) or _text(art.find("VernacularTitle"))
    pieces = []
    for node in art.findall("Abstract/AbstractText"):
        label = node.attrs.get("Label")
        pieces.append(f"{label}: {node.text()}" if label else node.text())
    raw.abstract = " ".join(pieces)
    for author in art.findall("AuthorList/Author"):
        last = _text(author.find("LastName"))
        if last:
            initials = _text(author.find("Initials")) or _text(author.find("ForeName"))
            raw.authors.append(f"{last}, {initials}" if initials else last)
        elif author.find("CollectiveName") is not None:
            raw.authors.append(_text(author.find("CollectiveName")))
    journal = art.find("Journal")
    if journal is not None:
        raw.journal = _text(journal.find("Title")) or _text(journal.find("ISOAbbreviation"))
        raw.volume = _text(journal.find("JournalIssue/Volume"))
        raw.issue = _text(journal.find("JournalIssue/Issue"))
        date = journal.find("JournalIssue/PubDate")
        raw.year = (_text(date.find("Year")) or _text(date.find("MedlineDate"))) if date is not None else ""
    raw.pages = _text(art.find("Pagination/MedlinePgn"))
    raw.language = _text(art.find("Language"))
    for node in art.findall("ELocationID"):
        if node.attrs.get("EIdType") == "doi":
            raw.doi = node.text()
    for node in article.findall("PubmedData/ArticleIdList/ArticleId"):
        if node.attrs.get("IdType") == "doi" and not raw.doi:
            raw.doi = node.text()
    raw.keywords = [k.text() for k in cit.findall("KeywordList/Keyword")]
    raw.keywords += [_text(m.find("DescriptorName")) for m in cit.findall("MeshHeadingList/MeshHeading")]
    if not raw.year:
        raw.year = _text(art.find("ArticleDate/Year"))
    return finish(raw)


def parse_pubmed_xml(text: str) -> ParseResult:
    """Parse PubMed XML into citations.

    Parameters
    ----------
    text : str
        The whole file, already decoded.

    Returns
    -------
    ParseResult
        ``format="pubmed-xml"``, ``database="PubMed"``.
    """
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    stack: list[_Node] = []
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _EntityRefused

    def start(tag: str, attrs: dict[str, str]) -> None:
        if stack or tag in ("PubmedArticle", "PubmedBookArticle"):
            node = _Node(tag, attrs, parser.CurrentLineNumber)
            if stack:
                stack[-1].children.append(node)
            stack.append(node)

    def end(tag: str) -> None:
        if not stack:
            return
        node = stack.pop()
        if stack:
            stack[-1].parts.append(" " if node.tag == "AbstractText" else "")
            stack[-1].parts.extend(node.parts)
            return
        if node.tag == "PubmedBookArticle":
            problems.append(ParseProblem(node.line, "PubMed book records are not supported; skipped"))
            return
        result = _build(node)
        collect(result, records, problems)

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except _EntityRefused:
        problems.append(
            ParseProblem(
                parser.CurrentLineNumber,
                "XML declares entities, which are refused for safety; the rest of the file was not read",
            )
        )
    except xml.parsers.expat.ExpatError as exc:
        line = exc.lineno or parser.CurrentLineNumber
        message = xml.parsers.expat.ErrorString(exc.code) if exc.code else str(exc)
        problems.append(
            ParseProblem(line, f"XML is not well-formed ({message}); the rest of the file was not read")
        )
    except RecursionError:  # pragma: no cover - pathological nesting
        problems.append(
            ParseProblem(parser.CurrentLineNumber, "XML nested too deeply; the rest was not read")
        )
    return ParseResult("pubmed-xml", tuple(records), tuple(problems), "PubMed")
