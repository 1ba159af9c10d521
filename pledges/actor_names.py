"""Finding an actor by what a person types: its code, its name or one of its aliases.

`--actor India`, `--actor in` and `--actor IN` all name the actor IN when the register has it;
case does not matter. A code wins over a name or an alias (codes are unique); a name or an alias
that two actors share is refused naming both. A name the register does not know is refused
with the codes it does know, and the actor that is spelt nearly so, if any.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from pledges import repository as repo
from pledges.errors import InvalidInput, NotFound
from pledges.schema import Actor
from pledges.vocab import listed

# A register with more actors than this is not listed in a message: 'pledges actor list' is.
LISTED_AT_MOST = 10
# How close (rapidfuzz's ratio, 0 to 100) a name must come to be suggested: 'Chna' scores 89
# against China.
SUGGEST_FROM = 80


def shown(actor: Actor) -> str:
    return f"{actor.id} ({actor.name})"


def find(actors: Sequence[Actor], given: str) -> Actor:
    """The actor `given` names among `actors`, or NotFound / InvalidInput saying what to use."""
    wanted = given.strip().casefold()
    for actor in actors:
        if actor.id.casefold() == wanted:
            return actor
    named = [a for a in actors if wanted in {n.casefold() for n in (a.name, *a.aliases)}]
    if len(named) == 1:
        return named[0]
    if named:
        either = listed([shown(a) for a in named])
        raise InvalidInput(
            f"actor {given!r} could be {either}",
            f"give the code of the one you mean, e.g. --actor {named[0].id}",
        )
    raise unknown(actors, given)


def unknown(actors: Sequence[Actor], given: str) -> NotFound:
    """The refusal of an actor the register does not have: the nearest one, or its codes."""
    from rapidfuzz import fuzz, process

    names = {name: actor for actor in actors for name in (actor.name, *actor.aliases)}
    near = process.extractOne(
        given.strip(), list(names), scorer=fuzz.ratio, processor=str.casefold,
        score_cutoff=SUGGEST_FROM,
    )  # fmt: skip
    add = "add one with 'pledges actor add'"
    if near is not None:
        hint = f"did you mean {shown(names[near[0]])}? otherwise {add}"
    elif not actors:
        hint = f"the register has no actors yet; {add}"
    elif len(actors) > LISTED_AT_MOST:
        hint = f"run 'pledges actor list' to see the codes, or {add}"
    else:
        hint = f"the register's actors are {', '.join(shown(a) for a in actors)}; {add}"
    return NotFound(f"actor {given!r} is not in the register", hint)


def resolve(session: Session, given: Iterable[str]) -> list[str]:
    """The codes of the actors `given` names, in order (see the module's docstring)."""
    wanted = list(given)
    if not wanted:
        return []
    actors = repo.list_actors(session)
    return [find(actors, name).id for name in wanted]
