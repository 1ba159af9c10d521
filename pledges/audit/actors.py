"""Finding which actors a passage names, by their names and aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pledges.folding import UNSPACED

if TYPE_CHECKING:
    from pledges.records import ActorRecord


# Scripts whose words a name need not stand apart from: Chinese and Japanese have no spaces, and
# Korean writes its particles on to the noun (미국은, 中国将, 习近平表示).
_RUN_ON = re.compile(f"[{UNSPACED}\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def _run_on(char: str) -> bool:
    """Whether a character is one a name need not stand apart from (for a name in a spaced
    script, it is as good as a space)."""
    return char >= "\u1100" and _RUN_ON.match(char) is not None


# Words of unspaced text that hold a country's name without naming it: "developing countries"
# (发展中国家 holds 中国, China), "Western countries" (欧美国家 holds 美国, the United States),
# Japan's Chūgoku region (中国地方). Their characters are no mention.
NOT_MENTIONS = ("发展中国家", "發展中國家", "欧美国家", "歐美國家", "中国地方")


def _without_compounds(lowered: str) -> str:
    """A lowered text with the words of NOT_MENTIONS blanked out, character for character."""
    if lowered.isascii():
        return lowered
    for word in NOT_MENTIONS:
        if word in lowered:
            lowered = lowered.replace(word, "\u3000" * len(word))
    return lowered


def _lower(text: str) -> str:
    """text.lower(), keeping every character's place (the few letters whose lower case is
    longer, such as 'İ', stay as they are), so that offsets in the result are offsets in text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class ActorMatcher:
    """Every alias in one Aho-Corasick automaton, matched on whole words. Short all-capital
    aliases (US, EU, PRC, U.S.) match only in capitals, so that 'us' the pronoun is not the
    United States; a match inside a longer one (Xi in Xi Jinping) counts once, as the longer.
    An alias written in Chinese, Japanese or Korean needs no word boundary where it ends in one
    of their characters (中国将提高, 习近平表示); an alias in a spaced script needs one, which
    those characters give it (US与China)."""

    def __init__(self, actors: Iterable[ActorRecord]) -> None:
        import ahocorasick

        self._automaton: Any = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str, bool, bool, bool]]] = {}
        for actor in actors:
            for name in (actor.name, *actor.aliases):
                exact = name.isupper() and len(name.replace(".", "")) <= 4
                free = _run_on(name[:1]), _run_on(name[-1:])  # its ends need no boundary
                entries.setdefault(_lower(name), []).append((name, actor.id, exact, *free))
        for key, value in entries.items():
            self._automaton.add_word(key, value)
        self._empty = not entries
        # What other modules learn from these actors' names, kept for the matcher's lifetime
        # (audit.speakers: whom a speaker's words name).
        self.memo: dict[str, Any] = {}
        if not self._empty:
            self._automaton.make_automaton()

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, actor) of each whole-word mention, in order; a mention inside a longer
        one counts as the longer."""
        if self._empty or not text:
            return []
        found: list[tuple[int, int, str]] = []
        for last, entries in self._automaton.iter(_without_compounds(_lower(text))):
            for name, actor, exact, free_start, free_end in entries:
                start, end = last - len(name) + 1, last + 1
                if start > 0 and not free_start:
                    before = text[start - 1]
                    if (before.isalnum() or before == "_") and not _run_on(before):
                        continue
                if end < len(text) and not free_end:
                    after = text[end]
                    if (after.isalnum() or after == "_") and not _run_on(after):
                        continue
                if exact and text[start:end] != name:
                    continue
                found.append((start, end, actor))
        found.sort(key=lambda m: (m[0], -m[1]))
        kept: list[tuple[int, int, str]] = []
        reach = -1
        for start, end, actor in found:
            if end <= reach:  # inside a longer mention already kept
                continue
            kept.append((start, end, actor))
            reach = max(reach, end)
        return kept

    def named(self, text: str) -> frozenset[str]:
        """The actors a passage names."""
        return frozenset(actor for _, _, actor in self.mentions(text))

    def last_mention(self, text: str) -> int | None:
        """Where the last mention of any actor in a passage starts."""
        found = self.mentions(text)
        return found[-1][0] if found else None
