"""Finding an actor by what a person types: its code, its name or one of its aliases.

`--actor India`, `--actor in` and `--actor IN` all name the actor IN when the register has it;
case does not matter. A code wins over a name or an alias (codes are unique); a name or an alias
that two actors share is refused naming both. A name the register does not know is refused
with the codes it does know, and the actor that is spelt nearly so, if any. So that a name names
one actor, an alias that is already another actor's id, name or alias is refused (`alias_taken`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from pledges import repository as repo
from pledges.errors import InvalidInput, NotFound
from pledges.schema import Actor, ActorIn
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


ActorNames = dict[str, list[tuple[str, str]]]


def actor_names(actors: Iterable[ActorIn]) -> ActorNames:
    """Every id, name and alias of `actors`, casefolded, with what it is and whose: read once,
    then asked of each actor by `alias_taken`."""
    names: ActorNames = defaultdict(list)
    for actor in actors:
        names[actor.id.casefold()].append(("the id", actor.id))
        names[actor.name.strip().casefold()].append(("the name", actor.id))
        for alias in actor.aliases:
            names[alias.strip().casefold()].append(("an alias", actor.id))
    return names


def alias_taken(
    actor: ActorIn, names: ActorNames, aliases: Sequence[str] | None = None
) -> InvalidInput | None:
    """Why one of an actor's `aliases` (default: all of them) is another actor's id, name or
    alias among `names` (actor_names), which would make the name ambiguous (None when none is)."""
    for alias in actor.aliases if aliases is None else aliases:
        for what, other in names.get(alias.strip().casefold(), ()):
            if other != actor.id:
                return InvalidInput(
                    f"the alias {alias!r} of actor {actor.id} is already {what} of actor {other}",
                    "an alias names one actor only: give another one; nothing was written",
                )
    return None
