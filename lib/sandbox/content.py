"""Deterministic text for sandbox songs: lyrics and Udio-style artist names (titles and style tags
are ``lib.sandbox.naming``'s, re-exported here for the engine).

Choices come from ``random.Random`` seeded with SHA-256 of the inputs (never the salted built-in
``hash()``), so a task shows the same words on every run. Words from the user's description steer
the result when they match the small vocabularies below; anything else is simply ignored.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable

from lib.sandbox.naming import make_tags as make_tags
from lib.sandbox.naming import make_title as make_title

# Description word -> theme keyword. Chinese entries match as substrings (no word breaks).
_THEMES = {
    "rain": "rain",
    "rainy": "rain",
    "night": "night",
    "midnight": "night",
    "city": "city",
    "love": "love",
    "ocean": "ocean",
    "sea": "ocean",
    "summer": "summer",
    "winter": "winter",
    "dream": "dream",
    "dreams": "dream",
    "star": "stars",
    "stars": "stars",
    "fire": "fire",
    "road": "road",
    "home": "home",
    "moon": "moon",
    "sun": "sun",
    "snow": "snow",
    "river": "river",
    "drive": "road",
    "highway": "road",
    "雨": "rain",
    "夜": "night",
    "城市": "city",
    "爱": "love",
    "海": "ocean",
    "夏": "summer",
    "冬": "winter",
    "梦": "dream",
    "星": "stars",
    "火": "fire",
    "路": "road",
    "家": "home",
    "月": "moon",
    "阳光": "sun",
    "雪": "snow",
    "河": "river",
    "江": "river",
}
_THEME_ZH = {
    "rain": "雨",
    "night": "夜",
    "city": "城市",
    "love": "爱",
    "ocean": "海",
    "summer": "夏天",
    "winter": "冬天",
    "dream": "梦",
    "stars": "星星",
    "fire": "火焰",
    "road": "路",
    "home": "家",
    "moon": "月亮",
    "sun": "阳光",
    "snow": "雪",
    "river": "河流",
}
_EN = {
    "verse": (
        "Streetlights hum a song about the {k}",
        "I keep your letters folded in my coat",
        "We were younger than the {k} back then",
        "Counting every window glowing gold",
        "Footsteps echo where the {k} used to be",
        "You said the {k} would carry us home",
        "Radio static and a half-remembered tune",
        "Coffee going cold beside the phone",
        "Every crowded room feels empty without you",
        "Painting our names across the {k}",
        "The clocks are slow and the sky is wide",
        "I hear your laughter in the {k}",
        "Trains roll by like they know my name",
        "Your shadow dances on the kitchen wall",
        "Holding on to something I can't see",
        "The {k} remembers what we tried to say",
    ),
    "hook": (
        "{title}, light me up tonight",
        "Oh, {title}, don't fade away",
        "We are {title}, we are alive",
        "Sing it loud, {title}",
    ),
    "chorus": (
        "Hold me close until the {k} is gone",
        "We'll run until the morning breaks",
        "Turn it up and let the {k} come down",
        "Every heartbeat brings me back to you",
        "Don't let go, don't let go",
        "We're shining brighter than the {k}",
        "Say my name like it's the only song",
        "Forever starts right here tonight",
    ),
    "bridge": (
        "And if the {k} should fall apart",
        "I'd build it back with just my heart",
        "Maybe we're just echoes in the dark",
        "Maybe that's enough to start",
    ),
    "outro": (
        "{title}... {title}",
        "Fading slowly with the {k}",
        "Just you and me and the {k}",
        "Goodnight, goodnight",
    ),
}
_ZH = {
    "verse": (
        "街灯下我想起你的脸",
        "{k}落在窗前没有声音",
        "旧照片里我们还在笑",
        "走过熟悉的那条小巷",
        "风吹过{k}带走了昨天",
        "咖啡凉了你还没回来",
        "夜色温柔像一首老歌",
        "我把思念写进{k}里",
        "车窗外的风景慢慢后退",
        "时间太快来不及说再见",
        "你的声音在耳边回响",
        "每一盏灯都在等一个人",
        "{k}里藏着我们的秘密",
        "我数着星星等天亮",
        "心事说给{k}听",
        "一个人走在回家的路上",
    ),
    "hook": ("{title}，别让我一个人", "啊{title}，请你不要走远", "{title}，我们一起唱", "唱吧{title}，直到天亮"),
    "chorus": (
        "抱紧我直到{k}停下",
        "我们奔跑直到黎明",
        "让{k}带走所有的忧伤",
        "每次心跳都是为你",
        "不要放手不要放手",
        "我们比{k}更闪亮",
        "把回忆唱成一首歌",
        "永远就从今夜开始",
    ),
    "bridge": ("如果{k}终将散去", "我会用心把它拾起", "也许我们只是黑暗中的回声", "也许这样就已足够"),
    "outro": ("{title}……{title}", "和{k}一起慢慢消失", "只有你和我还有{k}", "晚安，晚安"),
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_UDIO_WORDS = (
    "Traditional",
    "Electric",
    "Vintage",
    "Acoustic",
    "Midnight",
    "Golden",
    "Silent",
    "Cosmic",
    "Velvet",
    "Urban",
    "Lunar",
    "Analog",
)
_UDIO_INSTRUMENTS = (
    "Tabla",
    "Sitar",
    "Cello",
    "Banjo",
    "Synth",
    "Koto",
    "Oud",
    "Harp",
    "Violin",
    "Marimba",
    "Kalimba",
    "Saxophone",
    "Ukulele",
    "Theremin",
    "Accordion",
    "Erhu",
)


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _matches(text: str, vocabulary: dict[str, str]) -> list[str]:
    """Vocabulary values found in ``text``, in order of first appearance, without repeats."""
    lowered, found = text.lower(), []
    for key, value in vocabulary.items():
        # English needs word boundaries ("female" must not also match "male"); Chinese has none.
        pattern = re.escape(key)
        if not _CJK.search(key):
            pattern = rf"(?<![\w-]){pattern}(?![\w-])"
        hit = re.search(pattern, lowered)
        if hit:
            found.append((hit.start(), value))
    return list(dict.fromkeys(value for _, value in sorted(found)))


def _theme(seed: str, hint: str, title: str = "") -> str:
    """Theme keyword: the title's if it has one (lyrics echo it), else the hint's, else random."""
    for text in (title, hint):
        themes = _matches(text, _THEMES)
        if themes:
            return _rng(seed, "theme", text).choice(themes)
    return _rng(seed, "theme").choice(sorted(set(_THEMES.values())))


def make_lyrics(seed: str, hint: str = "", title: str = "", fits: Callable[[str], bool] | None = None) -> str:
    """Verse / Chorus / Verse 2 / Chorus (/ Bridge / Chorus) / Outro; Chinese when the hint is.

    ``fits`` says whether a draft can be sung in the song's length: the longest draft that fits is
    kept (shorter drafts drop the later sections, then halve the verse and chorus), or the
    shortest when none does."""
    chinese = bool(_CJK.search(hint))
    pools, theme = (_ZH if chinese else _EN), _theme(seed, hint, title)
    keyword = _THEME_ZH[theme] if chinese else theme
    name = title.strip() if title.strip() and (not chinese or _CJK.search(title)) else None
    name = name or (keyword if chinese else theme.title())
    r = _rng(seed, "lyrics", hint, title)
    verses = r.sample(pools["verse"], 8)
    chorus = [r.choice(pools["hook"])] + r.sample(pools["chorus"], 3)
    verse, verse2, outro = ("[Verse]", verses[:4]), ("[Verse 2]", verses[4:]), ("[Outro]", r.sample(pools["outro"], 2))
    full = [verse, ("[Chorus]", chorus), verse2, ("[Chorus]", chorus)]
    if r.random() < 0.6:
        full += [("[Bridge]", list(pools["bridge"])), ("[Chorus]", chorus)]
    drafts = [
        full + [outro],
        full[:4] + [outro],
        full[:4],
        full[:2] + [outro],
        full[:2],
        [("[Verse]", verses[:2]), ("[Chorus]", chorus[:2])],
        [("[Chorus]", chorus[:2])],
    ]
    texts = [
        "\n\n".join(head + "\n" + "\n".join(ln.format(k=keyword, title=name) for ln in lines) for head, lines in draft)
        for draft in drafts
    ]
    return next((text for text in texts if fits is None or fits(text)), texts[-1])


def make_udio_artist(seed: str) -> str:
    r = _rng(seed, "artist")
    return f"{r.choice(_UDIO_WORDS)}{r.choice(_UDIO_INSTRUMENTS)}{r.randrange(10000):04d}"
