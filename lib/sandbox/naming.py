"""A sandbox song's title and style tags, drawn from its prompt the way Suno's own titles and tags
read: "synthwave night drive" becomes "Night Drive" with "synthwave, nocturnal, analog synth …",
"古风 江南 雨" becomes 《江南雨》 with "古风, 诗意, 古筝 …". A Chinese prompt gets Chinese words.

The genre family (``lib.sandbox.styles``) fills in what the prompt leaves out; every choice comes
from ``random.Random`` seeded with SHA-256 of the inputs, so a task shows the same words on every run.
"""

from __future__ import annotations

import hashlib
import random
import re

from lib.sandbox.styles import CJK, DEFAULT_FAMILIES, DEFAULT_VOICES, FAMILIES, Style, read_style

# Words that say what is asked for rather than what the song is about.
_FILLER = set(
    """a an the this that these my our your some any song songs track tracks tune tunes music piece
    beat beats about write make create compose generate give me please i want need would like
    style styled vibe vibes feel feeling feels type sound sounding inspired with featuring feat ft
    vocal vocals voice singer singing sung lyrics instrumental version mix remix bpm tempo slow fast
    soft smooth heavy light gentle mid tempo upbeat short long very really kind sort of genre
    is are be it its guitar drums drum synth synths bass strings""".split()
)
# Kept inside a phrase ("Rainy Night in the City"), dropped at its ends.
_JOINERS = {"in", "of", "on", "at", "under", "over", "and", "to", "from", "the", "by", "for", "into", "across"}
_SMALL = {"in", "of", "on", "at", "and", "to", "from", "the", "by", "for", "a", "an", "into"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+|[,.;:!?/|()\[\]\"“”]")
_ONE_WORD_PATTERNS = ("{A} {W}", "{W} Tonight", "After the {W}", "{A} {W}", "Under the {W}", "{W}")

_ZH_FILLER = (
    "我想要",
    "想要",
    "一首",
    "一段",
    "一个",
    "关于",
    "描写",
    "讲述",
    "表达",
    "带有",
    "带着",
    "风格",
    "曲风",
    "的歌曲",
    "的歌",
    "的音乐",
    "歌曲",
    "音乐",
    "曲子",
    "节奏",
    "慢节奏",
    "快节奏",
    "旋律",
    "感觉",
    "氛围感",
    "请",
    "生成",
    "创作",
    "写",
    "首",
    "和",
    "与",
    "及",
    "的",
    "歌",
    "唱",
    "吉他",
    "鼓",
)
_ZH_EDGES = "在里了着是很有把被从向"
_ZH_PRONOUNS = {"我", "你", "他", "她", "它", "我们", "你们", "他们"}
_ZH_BREAK = re.compile(r"[\s,.;:!?，。、；：！？「」『』《》“”\"'()（）\[\]【】·~～/|]+")


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _family(style: Style, r: random.Random) -> str:
    return style.family or r.choice(DEFAULT_FAMILIES)


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the vocabulary's matches (genres, moods, voices) turned into phrase breaks."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], " | "]
        last = end
    return "".join(out + [text[last:]])


# --- titles -----------------------------------------------------------------------------------


def make_title(seed: str, hint: str = "") -> str:
    style = read_style(hint)
    r = _rng(seed, "title", hint)
    family = FAMILIES[_family(style, r)]
    if style.chinese:
        return _chinese_title(_outside(hint, style.spans), family.title_words[1], r)
    return _english_title(_outside(hint, style.spans), family.title_words[0], r)


def _english_phrases(text: str) -> list[list[str]]:
    """Runs of content words, joined by small words inside a run, broken by punctuation."""
    phrases, current = [], []
    for token in _WORD.findall(text):
        word = token.lower().replace("’", "'")
        if not token[0].isalnum() or word.isdigit() or (word in _FILLER and word not in _JOINERS):
            phrases.append(current)
            current = []
        elif word in _JOINERS:
            if current:
                current.append(word)
        else:
            current.append(word)
    phrases.append(current)
    trimmed = []
    for phrase in phrases:
        while phrase and phrase[-1] in _JOINERS:
            phrase = phrase[:-1]
        if phrase:
            trimmed.append(phrase)
    return trimmed


def _title_case(words: list[str]) -> str:
    return " ".join(w if (i and w in _SMALL) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _english_title(text: str, adjectives: tuple[str, ...], r: random.Random) -> str:
    phrases = _english_phrases(text)
    if not phrases:  # only a genre or a mood: an evocative pair from the family
        return f"{r.choice(adjectives)} {r.choice(_NOUNS)}"
    words = phrases[0]
    if len(words) > 5:  # a sentence: its first content words
        words = [w for w in words if w not in _JOINERS][:3]
    elif len(words) == 1 and len(phrases) > 1 and len(phrases[1]) <= 2:
        words = words + ["and"] + phrases[1]  # "rain, coffee" -> "Rain and Coffee"
    if len(words) == 1:
        pattern = r.choice(_ONE_WORD_PATTERNS)
        return pattern.format(A=r.choice(adjectives), W=_title_case(words))
    return _title_case(words)


_NOUNS = ("Horizon", "Skyline", "Echoes", "Highway", "Signals", "Hearts", "Lights", "Waves", "Gardens", "Letters")


def _chinese_fragments(text: str) -> list[str]:
    for filler in _ZH_FILLER:
        text = text.replace(filler, " ")
    fragments = []
    for piece in _ZH_BREAK.split(text):
        piece = piece.strip(_ZH_EDGES)
        if piece and piece not in _ZH_PRONOUNS and CJK.search(piece):
            fragments.append(piece[:6])
    return fragments


def _chinese_title(text: str, words: tuple[str, ...], r: random.Random) -> str:
    fragments = _chinese_fragments(text)
    suffixes = all(len(w) == 1 for w in words)  # 古风 titles end in 谣, 引, 吟…: the family gives those
    if not fragments:
        return r.choice(_ZH_PLACES) + r.choice(words) if suffixes else r.choice(words) + r.choice(_ZH_ENDINGS)
    title = fragments[0]
    if len(fragments) > 1 and len(title) + len(fragments[1]) <= 5:
        title += fragments[1]  # "江南" + "雨" -> "江南雨"
    if suffixes and len(title) <= 2:
        title += r.choice(words)
    return title


_ZH_PLACES = ("长安", "江南", "西楼", "桃花", "烟雨", "月下")
_ZH_ENDINGS = ("", "之歌", "里", "以后")


# --- tags -------------------------------------------------------------------------------------


def make_tags(seed: str, hint: str = "", count: int = 3) -> list[str]:
    """Genres the prompt names (or its family's), a mood, a voice, an instrument, a tempo, in the
    prompt's language; the tempo tag is the one the synthesized song plays at."""
    style = read_style(hint)
    r = _rng(seed, "tags", hint)
    name = _family(style, r)
    family = FAMILIES[name]
    lang = 1 if style.chinese else 0
    pick = lambda pairs: [pair[lang] for pair in pairs]  # noqa: E731
    genres = pick(style.genres[:2]) or [family.default[lang]]
    moods = pick(style.moods[:1]) or [r.choice(family.moods)[lang]]
    voices = pick(style.voices[:1]) or [r.choice(DEFAULT_VOICES)[lang]]
    instruments = pick(r.sample(family.instruments, len(family.instruments)))
    bpm = f"{r.randint(*family.bpm)} bpm"
    spare = pick(style.genres[2:] + style.moods[1:] + style.voices[1:]) + pick(family.moods)
    tags = genres + moods + voices + instruments[:1] + [bpm] + instruments[1:] + spare
    return list(dict.fromkeys(tags))[: max(count, 0)]
