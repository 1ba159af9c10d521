"""The words that tell a commitment from other sentences, in English and Chinese.

Every cue is a plain phrase, found with the others in one pass of an Aho-Corasick automaton over
the lower-cased article (ahocorasick-rs, leftmost-longest: "will not" rather than its "will"; a
regular expression of the same words reads a 4 KB article a hundred times slower). An English
phrase counts only as a whole word; a Chinese one anywhere. Each phrase belongs to a family:

- what makes a passage an aim or a pledge: STRONG markers are a pledge in themselves ("has
  pledged", "aims to", 力争, 努力争取); PLAIN ones state an intention the rest of the passage
  must show to be a commitment ("will", "agreed to", 将); RENOUNCE, a commitment not to act
  ("will not", "won't impose"); STANCE, one its speaker states in the first person ("we are
  committed");
- what makes it something else (LOWERING): a forecast ("expected to", 预计), a past result
  ("last year", "has met", 截至), a demand made of someone else ("urged", "called on", 呼吁), a
  refusal ("rejected", 拒绝);
- KIND_WORDS: what a commitment is about, one list per pledge kind. The specific kinds (a peak,
  neutrality, coal, methane…) are named before the general ones (cutting emissions, finance,
  talks, cooperation), which only decide when no specific one is named.
"""

from __future__ import annotations

from typing import Any

from pledges.vocab import PledgeKind


def _forms(*stems: str) -> tuple[str, ...]:
    """Each 'stem|ending|ending' as its words: 'pledge|s|d' -> pledge, pledges, pledged."""
    words: list[str] = []
    for stem in stems:
        base, *endings = stem.split("|")
        words.append(base)
        words.extend(base + ending for ending in endings)
    return tuple(words)


def _listed(*phrases: str) -> tuple[str, ...]:
    """The phrases of '|'-separated lists, each also with a typographic apostrophe."""
    found = [p.strip() for chunk in phrases for p in chunk.split("|") if p.strip()]
    return tuple(dict.fromkeys(f for p in found for f in (p, p.replace("'", "\u2019"))))


def _each(verbs: tuple[str, ...], *after: str) -> tuple[str, ...]:
    """Each verb followed by each of `after`: 'aims to', 'aims for'..."""
    return tuple(f"{verb} {word}" for verb in verbs for word in after)


STRONG = (
    *_forms("pledge|s|d", "pledging", "commit|s|ted|ting", "vow|s|ed", "promise|s|d"),
    *_each(_forms("aim|s|ing"), "to", "for"),
    *_listed("aimed to|targeted|targeting|determined to|resolved to|undertakes to|undertook to",
             "strive to|strives to|striving to|sets out to|bound to|legally bound|obliged to",
             "mission|missions"),
)  # fmt: skip
PLAIN = (
    *_listed("will|would|shall|must|'ll|'d|working to|working towards|working toward",
             "working on|work together|work towards|work toward|focus on|focused on|ensure",
             "ensures|launch|launched|launches|aimed at|aims at|aim at|is to|are to|setting up",
             "will set up"),
    *_each((*_forms("plan|s", "intend|s|ed", "seek|s|ing", "decide|d"), "planned", "ready",
            "continue", "continues"), "to"),
)  # fmt: skip
RENOUNCE = _listed(
    "will not|would not|shall not|won't|wouldn't|we're not|we are not|is not going to",
    "not involved in|not try to|not to impose|never seek|never impose|不再|决不|绝不",
)
STANCE = _listed(
    "we are committed|we're committed|we remain committed|we are determined|i am committed",
    "i'm committed|we are working|we're working",
)
AGREED = (*_listed("agreed|agree|agrees|同意|一致同意|商定"),
          *_each(_forms("agree|s|d"), "to", "on", "that"))  # fmt: skip
NOUNS = _listed("commitment|commitments|goal|goals|target|targets")
ZH_NOUNS = _listed("目标|任务|承诺")
ZH_STRONG = _listed("力争|努力争取|确保|誓言|决心|致力于")
ZH_PLAIN = _listed("将|要|争取|决定|计划|推动|坚持|加快|实施|推进|严控|严格控制|合理控制|有效控制",
                   "开展|逐步|启动|加强",
                   "落实|建立")  # fmt: skip

FORECAST = (
    *_each(_forms("expect|s|ed", "project|s|ed", "forecast|s"), "to"),
    *_listed("is expected|are expected|likely|unlikely|could|might|may|predict|predicts",
             "predicted|estimate|estimates|estimated|on track|on course|would need|set to",
             "is set|are set|projection|projections|outlook|analysts|analyst"),
)  # fmt: skip
PAST = (
    *_listed("last year|last month|last week|last december|so far|has already|have already",
             "expired|record|previous goal|previous target|was equivalent",
             "met|achieved|sought to|rejoined|returned to",
             "exceeded|surpassed|reached|matched|wrote|signed|first made|helped|rose|fell|grew",
             "jumped|dropped|declined"),
    *_each(("has", "had", "have"), *_listed(
        "met|achieved|reached|exceeded|cut|fallen|risen|installed|added|built|completed",
        "surpassed|doubled|tripled|grown|increased|reduced|hit|halved")),
)  # fmt: skip
DEMAND = (
    *_forms("urge|s|d", "demand|s|ed"),
    *_listed("urging|called on|called for|calls on|calling on|calling for|calls from",
             "called upon|pressed|pressing|pressure|pushing|pushed|require|requires|wants",
             "wanted|appealed to|appeals to|insisted|should aim|should set|should cut",
             "should commit|should raise|should adopt"),
)  # fmt: skip
REFUSAL = (
    *_forms("reject|s|ed", "refuse|s|d"),
    *_listed("declined to|declines to|has not committed|did not commit|no agreement|not commit",
             "did not sign|has not signed|have not signed|not signed|did not join|will not commit",
             "won't commit|would not commit|refused to commit|don't know|do not know",
             "no breakthrough|withdrew|withdrawn|abandoned|failed to|fails to"),
)  # fmt: skip
CONDITION = _listed("if|unless|provided that|whether|如果|是否|假如")
ZH_FORECAST = _listed("预计|有望|可能|预测|估计|或将|预期|认为|分析人士|分析师|研究人员|业内人士",
                      "观察人士|有待观察|能否|仍将")  # fmt: skip
ZH_PAST = _listed("截至|截止|已经|已|曾|印发|发布了|发表|累计|提前完成|完成了|实现了|下降了",
                  "超额完成|去年|过去")  # fmt: skip
ZH_DEMAND = _listed("呼吁|敦促|督促|促请|要求|施压|发达国家应|国际社会应|各国应")
ZH_REFUSAL = _listed("拒绝|反对|未能|没有")
# Words that hold a marker's characters without being one (要 in 要求, 需要, 主要, 重要)
ZH_NONE = _listed("的要求|需要|主要|重要|只要|还要|要素|将近|即将")
# Who commits jointly: the parties named before the passage.
JOINT = _listed("both sides|the two sides|both countries|the two countries|both parties",
                "the two nations|both nations|the two of us|双方|两国|中美|美中")  # fmt: skip

MARKERS = {"strong": STRONG + ZH_STRONG, "plain": PLAIN + ZH_PLAIN, "renounce": RENOUNCE,
           "stance": STANCE, "noun": NOUNS, "zh_noun": ZH_NOUNS, "agreed": AGREED}  # fmt: skip
LOWERING = {"forecast": FORECAST + ZH_FORECAST, "past": PAST + ZH_PAST,
            "demand": DEMAND + ZH_DEMAND, "refusal": REFUSAL + ZH_REFUSAL,
            "condition": CONDITION}  # fmt: skip

# What a commitment is about. The first seven are specific; the rest general (GENERAL).
KIND_WORDS: dict[PledgeKind, tuple[str, ...]] = {
    PledgeKind.CARBON_NEUTRALITY: _listed(
        "carbon neutral|carbon-neutral|carbon neutrality|climate neutral|climate-neutral",
        "climate neutrality|碳中和|气候中和"),
    PledgeKind.NET_ZERO: _listed("net zero|net-zero|carbon negative|climate positive|净零"),
    PledgeKind.EMISSIONS_PEAK: (
        *_each(_forms("peak|s|ed|ing"), *_listed(
            "emissions|its emissions|their emissions|carbon|co2|co\u2082|its carbon",
            "greenhouse|its greenhouse|the emissions")),
        *_listed("emissions peak|carbon peak|carbon peaking|stop rising|stops rising|peak",
                 "peaking|碳达峰|达峰|达到峰值"),
    ),
    PledgeKind.METHANE_NON_CO2: _listed(
        "methane|non-co2|non-co\u2082|non co2|hfcs|hfc|hydrofluorocarbons|nitrous oxide",
        "flaring|甲烷|非二氧化碳|氢氟碳化物"),
    PledgeKind.COAL: _listed("coal|coal-fired|煤电|煤炭|燃煤|用煤|控煤"),
    PledgeKind.FORESTS: _listed(
        "forest|forests|deforestation|forestry|trees|reforestation|森林|植树|造林|毁林"),
    PledgeKind.RENEWABLE_ENERGY: _listed(
        "renewable|renewables|solar|wind|wind power|clean energy|non-fossil|clean power",
        "carbon-free energy|carbon-free electricity|hydropower|geothermal|energy system",
        "power system|pollution-free power|carbon-free power|可再生能源|非化石能源|风电",
        "太阳能|光伏|新能源|清洁能源|能源体系|电力系统|风光"),
    PledgeKind.EMISSIONS_REDUCTION: (
        *_forms("cut|s|ting", "reduce|s|d", "reducing", "reduction|s", "lower|ing", "slash",
                "slashing", "halve", "halving"),
        *_listed("carbon intensity|emissions intensity|1.5|1.5c|1.5\u00b0c|1.5 degrees|减排",
                 "高排放|减少|碳排放强度|二氧化碳排放|温室气体排放|排放量|碳排放"),
    ),
    PledgeKind.FINANCE: _listed(
        "climate finance|finance|financing|fund|funds|funding|资金|融资|基金"),
    PledgeKind.DIPLOMATIC_PROCESS: (
        *(f"cop{gap}{n}" for gap in ("", " ") for n in range(21, 40)),
        *_listed("summit|negotiation|negotiations|talks|dialogue|meet again|meet intensively",
                 "continue meeting|meeting|meetings|national targets|ndc|ndcs",
                 "nationally determined|submit|submitted|submission|国家自主贡献|谈判|对话",
                 "会谈|缔约方大会|磋商"),
    ),
    PledgeKind.COOPERATION: (
        *_forms("cooperate", "cooperation", "cooperating"),
        *_listed("work together|working together|jointly|relations|partnership",
                 "working group|developing countries|合作|发展中国家|工作组|协作|伙伴关系|共同"),
    ),
}  # fmt: skip
GENERAL = frozenset({PledgeKind.EMISSIONS_REDUCTION, PledgeKind.FINANCE,
                     PledgeKind.DIPLOMATIC_PROCESS, PledgeKind.COOPERATION})  # fmt: skip
GENERAL_LABELS = frozenset(kind.value for kind in GENERAL)  # as the automaton labels them


def _spaced(char: str) -> bool:
    """A letter or digit of a spaced script: a word goes on through it."""
    return char.isalnum() and (char.isascii() or "\u00c0" <= char <= "\u024f")


class Phrases:
    """A family of phrases in one automaton: `hits(lowered)` -> (start, end, label) of each whole
    phrase, leftmost-longest, in order."""

    def __init__(self, families: dict[str, tuple[str, ...]]) -> None:
        import ahocorasick_rs

        self.phrases: list[str] = []
        self.labels: list[str] = []
        # Whether the phrase must stand apart at its start, and at its end: where it starts or
        # ends with a letter or digit of a spaced script ('ll, a Chinese word: need not).
        self.apart: list[tuple[bool, bool]] = []
        for label, phrases in families.items():
            for phrase in dict.fromkeys(phrases):
                self.phrases.append(phrase)
                self.labels.append(label)
                self.apart.append((_spaced(phrase[0]), _spaced(phrase[-1])))
        kind = ahocorasick_rs.MatchKind.LeftmostLongest
        self._automaton: Any = ahocorasick_rs.AhoCorasick(self.phrases, matchkind=kind)

    def hits(self, lowered: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        size, labels, apart = len(lowered), self.labels, self.apart
        for index, start, end in self._automaton.find_matches_as_indexes(lowered):
            at_start, at_end = apart[index]
            if at_start and start > 0 and _spaced(lowered[start - 1]):
                continue
            if at_end and end < size and _spaced(lowered[end]):
                continue
            found.append((start, end, labels[index]))
        return found


_CUES: Phrases | None = None
_KINDS: Phrases | None = None


def cues() -> Phrases:
    """The markers and what lowers a score, in one automaton (made once, when first needed)."""
    global _CUES
    if _CUES is None:
        _CUES = Phrases({**MARKERS, **LOWERING, "none": ZH_NONE})
    return _CUES


def kinds() -> Phrases:
    """The words of every kind, in one automaton."""
    global _KINDS
    if _KINDS is None:
        _KINDS = Phrases({kind.value: words for kind, words in KIND_WORDS.items()})
    return _KINDS
