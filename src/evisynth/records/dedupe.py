"""Finding duplicate records across database exports.

Two passes, as in docs/methods.md 6.3:

1. **Exact keys.** Records sharing a normalised DOI, a PMID or an accession number (WoS UT,
   Embase accession) are duplicates (score 100).
2. **Near matches.** Candidate pairs come from blocking keys (identical normalised title; the two
   rarest title words; first-author surname with year or year - 1). Each pair is scored with
   the rapidfuzz ``ratio`` (0-100, normalised Indel similarity) of the normalised titles and then:

   * **duplicate** (key ``title_year_author``) when the title score is at least ``auto_title``
     (95), the years are known and differ by at most one, the first authors agree (surname
     similarity at least ``author_similarity``, 85) and the records do not carry different DOIs
     or PMIDs;
   * **duplicate** (key ``title_author_pages``) when volume and first page are present in both
     and equal, the first authors agree, the years (where both are known) differ by at most one
     and either the title score is at least ``confirmed_title`` (90) or one title is the other
     with its subtitle left out (at least five words);
   * **uncertain** (queued for a person) when the title score is at least ``review_title`` (85),
     or one title is the start of the other, and the pair is not a duplicate by the rules above:
     year or author missing without matching volume and page, authors disagreeing, different
     DOIs/PMIDs, numbers in the titles differing ("part 1" / "part 2"), first pages present in
     both and different, or a moderately similar title;
   * otherwise not a duplicate.

Groups never join records carrying different DOIs or different PMIDs, even through a chain of
matches: such a link is queued for a person instead. Pairs a person has already rejected are never
merged or queued again. Every merged record keeps an audit entry (``key``, ``score`` and the
record it matched) naming the evidence that linked it to its group; each group
keeps the most complete record (identifiers, abstract, authors, journal details), ties going to the
record imported first.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evisynth.records.model import Citation
from evisynth.records.normalise import first_author_key, first_page, normalise_title

_STOP = frozenset(
    "with from that this their there were have been into than then also over under after before "
    "between among versus during without within study trial randomised randomized controlled patients "
    "effect effects clinical review analysis".split()
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score thresholds of the near-match pass (rapidfuzz scores, 0-100); see module docstring."""

    auto_title: float = 95.0
    confirmed_title: float = 90.0
    review_title: float = 85.0
    author_similarity: float = 85.0
    max_block: int = 300


@dataclass(frozen=True, slots=True)
class MatchKey:
    """The fields of one record the deduplicator compares (see :func:`match_key`)."""

    id: int
    title: str
    year: int | None
    author: str
    doi: str
    pmid: str
    accession: str
    volume: str
    page: str
    completeness: int


@dataclass(frozen=True, slots=True)
class Merge:
    """``record_id`` is a duplicate of ``keeper_id``; it matched record ``linked_to`` (the keeper or
    another member of the group) on ``key`` with ``score``."""

    record_id: int
    keeper_id: int
    key: str
    score: float
    linked_to: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair a person should look at; ``reason`` says why it was not decided automatically."""

    record_a: int
    record_b: int
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class DedupeResult:
    """Merges to apply and pairs to queue for a person."""

    merges: tuple[Merge, ...]
    uncertain: tuple[Candidate, ...]

    def groups(self) -> dict[int, list[int]]:
        """Keeper id -> ids merged into it."""
        out: dict[int, list[int]] = defaultdict(list)
        for merge in self.merges:
            out[merge.keeper_id].append(merge.record_id)
        return dict(out)


def match_key(record_id: int, citation: Citation) -> MatchKey:
    """Comparison fields of ``citation`` (normalised title, first-author surname, identifiers)."""
    filled = sum(
        bool(x)
        for x in (
            citation.doi,
            citation.pmid,
            citation.abstract,
            citation.authors,
            citation.journal,
            citation.volume,
            citation.pages,
            citation.year,
        )
    )
    return MatchKey(
        id=record_id,
        title=normalise_title(citation.title),
        year=citation.year,
        author=first_author_key(citation.authors),
        doi=citation.doi.lower(),
        pmid=citation.pmid,
        accession=citation.accession.strip().upper(),
        volume=citation.volume.strip().lower(),
        page=first_page(citation.pages),
        completeness=filled,
    )


class _Sets:
    """Union-find over record ids that refuses to join groups holding different DOIs or PMIDs."""

    def __init__(self, keys: Iterable[MatchKey]) -> None:
        self.parent: dict[int, int] = {}
        self.ids: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        for k in keys:
            self.parent[k.id] = k.id
            self.ids[k.id] = (frozenset([k.doi]) - {""}, frozenset([k.pmid]) - {""})

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        """Join the groups of ``a`` and ``b``; ``False`` (nothing joined) when that would put two
        different DOIs or two different PMIDs in one group."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        (doi_a, pmid_a), (doi_b, pmid_b) = self.ids[ra], self.ids[rb]
        if (doi_a and doi_b and doi_a != doi_b) or (pmid_a and pmid_b and pmid_a != pmid_b):
            return False
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        self.ids[root] = (doi_a | doi_b, pmid_a | pmid_b)
        return True


def _blocks(keys: Sequence[MatchKey], max_block: int) -> Iterable[list[int]]:
    df: dict[str, int] = defaultdict(int)
    tokens_of: list[list[str]] = []
    for key in keys:
        tokens = list(dict.fromkeys(t for t in key.title.split() if len(t) >= 4 and t not in _STOP))
        tokens_of.append(tokens)
        for token in tokens:
            df[token] += 1
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key.title:
            blocks[("t", key.title)].append(index)
        rare = heapq.nsmallest(2, tokens_of[index], key=lambda t: (df[t], t))
        if len(rare) == 2:
            blocks[("r", *sorted(rare))].append(index)
        if key.author and key.year:
            blocks[("a", key.author, str(key.year))].append(index)
            blocks[("a", key.author, str(key.year + 1))].append(index)
    for members in blocks.values():
        if 1 < len(members) <= max_block:
            yield members


def _numbers(title: str) -> set[str]:
    return {t for t in title.split() if t.isdigit()}


def _digits(page: str) -> str:
    return "".join(ch for ch in page if ch.isdigit()).lstrip("0")


def _author_agrees(a: str, b: str, threshold: float) -> bool | None:
    if not a or not b:
        return None
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    from rapidfuzz.fuzz import ratio

    return ratio(a, b) >= threshold


def _is_prefix(a: str, b: str) -> bool:
    """One normalised title is the start of the other (a subtitle left out), at least five words long."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return short.count(" ") >= 4 and long.startswith(short + " ")


def _judge(a: MatchKey, b: MatchKey, score: float, th: Thresholds) -> tuple[str, str]:
    """``("duplicate", key)``, ``("uncertain", reason)`` or ``("distinct", reason)`` for a candidate pair."""
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return "distinct", "years differ by more than one"
    prefix = score < th.review_title  # only scored pairs and prefix pairs reach here
    conflict = (a.doi and b.doi and a.doi != b.doi) or (a.pmid and b.pmid and a.pmid != b.pmid)
    if conflict:
        return ("uncertain", "different DOIs or PMIDs") if score >= th.auto_title else ("distinct", "")
    short, long = sorted((a.title, b.title), key=len)
    if not _numbers(short) <= _numbers(long) or (not prefix and _numbers(a.title) != _numbers(b.title)):
        return "uncertain", "titles differ in numbers (e.g. part 1 / part 2)"
    if a.page and b.page and _digits(a.page) != _digits(b.page):
        return "uncertain", "first pages differ"
    authors = _author_agrees(a.author, b.author, th.author_similarity)
    years_known = a.year is not None and b.year is not None
    bib = bool(a.volume and a.page and a.volume == b.volume and a.page == b.page)
    if authors and years_known and score >= th.auto_title:
        return "duplicate", "title_year_author"
    if authors and bib and (score >= th.confirmed_title or prefix):
        return "duplicate", "title_author_pages"
    if prefix:
        return "uncertain", "one title is the start of the other (subtitle missing?)"
    if authors is False:
        return "uncertain", "first authors differ"
    if authors is None:
        return "uncertain", "first author missing"
    if not years_known:
        return "uncertain", "year missing"
    return "uncertain", "titles similar but not near-identical"


_KEY_RANK = {"doi": 0, "pmid": 1, "accession": 2, "title_year_author": 3, "title_author_pages": 4}


def find_duplicates(
    keys: Sequence[MatchKey],
    *,
    rejected: Iterable[tuple[int, int]] = (),
    thresholds: Thresholds | None = None,
) -> DedupeResult:
    """Group duplicate records.

    Parameters
    ----------
    keys : sequence of MatchKey
        One per record still in play (see :func:`match_key`); ids must be unique.
    rejected : iterable of (int, int)
        Pairs a person has declared distinct: never merged nor queued again.
    thresholds : Thresholds, optional
        Near-match thresholds; the documented defaults when omitted.

    Returns
    -------
    DedupeResult
        One :class:`Merge` per record that is not its group's keeper, and the uncertain pairs.
    """
    from rapidfuzz.fuzz import ratio

    th = thresholds or Thresholds()
    no = {tuple(sorted(p)) for p in rejected}
    by_id = {k.id: k for k in keys}
    sets = _Sets(keys)
    edges: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    uncertain: dict[tuple[int, int], Candidate] = {}

    def link(a: int, b: int, key: str, score: float) -> None:
        pair = (min(a, b), max(a, b))
        if pair in no:
            return
        if not sets.union(a, b):
            uncertain[pair] = Candidate(
                pair[0], pair[1], score, f"matched on {key} but their groups hold different DOIs or PMIDs"
            )
            return
        edges[a].append((b, key, score))
        edges[b].append((a, key, score))

    for field in ("doi", "pmid", "accession"):
        seen: dict[str, int] = {}
        for k in keys:
            value = getattr(k, field)
            if value:
                if value in seen:
                    link(seen[value], k.id, field, 100.0)
                else:
                    seen[value] = k.id

    compared: set[tuple[int, int]] = set()
    for members in _blocks(keys, th.max_block):
        for i, first in enumerate(members):
            a = keys[first]
            for second in members[i + 1 :]:
                b = keys[second]
                pair = (min(a.id, b.id), max(a.id, b.id))
                if pair in compared or pair in no:
                    continue
                compared.add(pair)
                score = ratio(a.title, b.title, score_cutoff=th.review_title)
                if not score:
                    if not _is_prefix(a.title, b.title):
                        continue
                    score = ratio(a.title, b.title)
                verdict, reason = _judge(a, b, score, th)
                if verdict == "duplicate":
                    link(a.id, b.id, reason, round(score, 1))
                elif verdict == "uncertain":
                    uncertain[pair] = Candidate(pair[0], pair[1], round(score, 1), reason)

    groups: dict[int, list[int]] = defaultdict(list)
    for record_id in by_id:
        groups[sets.find(record_id)].append(record_id)
    merges: list[Merge] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        keeper = max(members, key=lambda i: (by_id[i].completeness, -i))
        for member in sorted(members):
            if member == keeper:
                continue
            partner, key, score = min(edges[member], key=lambda e: (_KEY_RANK[e[1]], -e[2], e[0] != keeper))
            merges.append(Merge(member, keeper, key, score, partner))
    queued = tuple(c for pair, c in sorted(uncertain.items()) if sets.find(pair[0]) != sets.find(pair[1]))
    return DedupeResult(tuple(merges), queued)
