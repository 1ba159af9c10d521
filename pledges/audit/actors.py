"""Finding which actors a passage names, by their aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pledges.schema import Actor


class ActorMatcher:
    """One regular expression over every alias; short all-capital aliases (US, EU, PRC) match
    only in capitals, so that 'us' the pronoun is not the United States."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self._by_name: dict[str, str] = {}
        exact, folded = [], []
        for actor in actors:
            for name in (actor.name, *actor.aliases):
                if name.isupper() and len(name.replace(".", "")) <= 4:
                    self._by_name[name] = actor.id
                    exact.append(name)
                else:
                    self._by_name[name.casefold()] = actor.id
                    folded.append(name)
        self._exact = self._compile(exact, 0)
        self._folded = self._compile(folded, re.IGNORECASE)

    @staticmethod
    def _compile(names: list[str], flags: int) -> re.Pattern[str] | None:
        if not names:
            return None
        alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)

    def _matches(self, text: str) -> list[tuple[int, str]]:
        found = []
        if self._exact is not None:
            found += [(m.start(), self._by_name[m.group()]) for m in self._exact.finditer(text)]
        if self._folded is not None:
            found += [
                (m.start(), self._by_name[m.group().casefold()])
                for m in self._folded.finditer(text)
            ]
        return sorted(found)

    def named(self, text: str) -> frozenset[str]:
        """The actors a passage names."""
        return frozenset(actor for _, actor in self._matches(text))

    def last_mention(self, text: str) -> int | None:
        """Where the last mention of any actor in a passage starts."""
        found = self._matches(text)
        return found[-1][0] if found else None
