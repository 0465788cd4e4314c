"""What a prompt says about the music: the genres, moods and voices it names, in English or Chinese,
and the genre family they belong to. The family steers the sandbox's made-up tags and titles
(``lib.sandbox.naming``) and how its synthesized song sounds (``lib.sandbox.music_plan``): tempo,
instruments, scale.

Matching is on whole words for English ("rap" is not in "trap") and on substrings for Chinese (no
word breaks); a longer match wins over a shorter one inside it ("indie pop" is not also "pop").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Family:
    bpm: tuple[int, int]  # tempo range, inclusive
    moods: tuple[tuple[str, str], ...]  # (English, Chinese) tags the family suggests
    instruments: tuple[tuple[str, str], ...]
    title_words: tuple[tuple[str, ...], tuple[str, ...]]  # English adjectives, Chinese title words
    default: tuple[str, str]  # the genre tag when the prompt names none of this family's


FAMILIES: dict[str, Family] = {
    "electronic": Family(
        (100, 124),
        (("nostalgic", "怀旧"), ("nocturnal", "夜色"), ("euphoric", "迷幻"), ("neon-lit", "霓虹")),
        (("analog synth", "模拟合成器"), ("gated drums", "电子鼓"), ("arpeggiated bass", "琶音贝斯")),
        (("Neon", "Chrome", "Midnight", "Electric", "Digital"), ("霓虹", "夜航", "光年", "信号")),
        ("synthwave", "电子"),
    ),
    "lofi": Family(
        (70, 88),
        (("mellow", "慵懒"), ("hazy", "朦胧"), ("cozy", "治愈")),
        (("dusty rhodes", "电钢琴"), ("vinyl crackle", "黑胶噪点"), ("soft drums", "轻鼓")),
        (("Dusty", "Sleepy", "Faded", "Quiet"), ("午后", "慢", "旧", "微光")),
        ("lo-fi", "低保真"),
    ),
    "rock": Family(
        (112, 150),
        (("energetic", "热血"), ("raw", "粗粝"), ("defiant", "叛逆")),
        (("electric guitar", "电吉他"), ("live drums", "架子鼓"), ("bass guitar", "贝斯")),
        (("Wild", "Burning", "Loud", "Broken"), ("燃烧", "呐喊", "荒野", "破晓")),
        ("rock", "摇滚"),
    ),
    "jazz": Family(
        (78, 118),
        (("smoky", "慵懒"), ("smooth", "丝滑"), ("late-night", "深夜")),
        (("upright bass", "低音提琴"), ("brushed drums", "刷鼓"), ("saxophone", "萨克斯")),
        (("Velvet", "Blue", "Smoky", "Golden"), ("蓝调", "微醺", "夜巷", "慢摇")),
        ("jazz", "爵士"),
    ),
    "folk": Family(
        (80, 108),
        (("warm", "温暖"), ("wistful", "怀念"), ("earnest", "质朴")),
        (("fingerpicked guitar", "木吉他"), ("harmonica", "口琴"), ("soft strings", "弦乐")),
        (("Paper", "Old", "Little", "Wooden"), ("远方", "故乡", "小镇", "南方")),
        ("folk", "民谣"),
    ),
    "chinese": Family(
        (68, 92),
        (("poetic", "诗意"), ("elegant", "婉约"), ("wistful", "悠远")),
        (("guzheng", "古筝"), ("erhu", "二胡"), ("bamboo flute", "笛子"), ("pipa", "琵琶")),
        (("Jade", "Silk", "Misty", "Moonlit"), ("谣", "引", "吟", "辞")),
        ("chinese traditional", "古风"),
    ),
    "hiphop": Family(
        (82, 98),
        (("confident", "自信"), ("gritty", "硬核"), ("laid-back", "松弛")),
        (("808 bass", "808贝斯"), ("boom bap drums", "复古鼓组"), ("hi-hat rolls", "踩镲")),
        (("Gold", "Concrete", "Late", "Real"), ("街头", "态度", "不服", "夜行")),
        ("hip hop", "说唱"),
    ),
    "pop": Family(
        (96, 124),
        (("uplifting", "明亮"), ("catchy", "抓耳"), ("bittersweet", "酸甜")),
        (("bright synths", "合成器"), ("handclaps", "拍手"), ("piano", "钢琴")),
        (("Golden", "Summer", "Electric", "Paper"), ("心动", "夏天", "晚风", "星光")),
        ("pop", "流行"),
    ),
    "ambient": Family(
        (60, 84),
        (("calm", "宁静"), ("sweeping", "恢弘"), ("tender", "温柔")),
        (("string section", "弦乐"), ("felt piano", "钢琴"), ("warm pads", "铺底")),
        (("Distant", "Silent", "Endless", "Glass"), ("远山", "回声", "无尽", "长夜")),
        ("ambient", "氛围"),
    ),
    "latin": Family(
        (88, 104),
        (("sunny", "热情"), ("playful", "俏皮"), ("sultry", "慵懒")),
        (("offbeat guitar", "切分吉他"), ("congas", "康加鼓"), ("horns", "铜管")),
        (("Sunny", "Island", "Coral", "Tropical"), ("海岛", "阳光", "椰林", "热带")),
        ("reggae", "雷鬼"),
    ),
}

# Prompt word -> (English tag, Chinese tag, family).
GENRES: dict[str, tuple[str, str, str]] = {}
for _family, _entries in {
    "electronic": (
        ("synthwave", "synthwave", "合成器浪潮"),
        ("retrowave", "retrowave", "复古电子"),
        ("outrun", "synthwave", "合成器浪潮"),
        ("vaporwave", "vaporwave", "蒸汽波"),
        ("synth-pop", "synth-pop", "合成器流行"),
        ("synthpop", "synth-pop", "合成器流行"),
        ("synth pop", "synth-pop", "合成器流行"),
        ("electropop", "electropop", "电子流行"),
        ("electronic", "electronic", "电子"),
        ("edm", "edm", "电音"),
        ("deep house", "deep house", "深浩室"),
        ("techno", "techno", "科技舞曲"),
        ("trance", "trance", "迷幻舞曲"),
        ("dubstep", "dubstep", "回响贝斯"),
        ("drum and bass", "drum and bass", "鼓打贝斯"),
        ("dnb", "drum and bass", "鼓打贝斯"),
        ("chiptune", "chiptune", "芯片音乐"),
        ("8-bit", "chiptune", "芯片音乐"),
        ("cyberpunk", "cyberpunk", "赛博朋克"),
        ("合成器", "synthwave", "合成器浪潮"),
        ("电子", "electronic", "电子"),
        ("电音", "edm", "电音"),
        ("蒸汽波", "vaporwave", "蒸汽波"),
        ("赛博朋克", "cyberpunk", "赛博朋克"),
    ),
    "lofi": (
        ("lo-fi", "lo-fi", "低保真"),
        ("lofi", "lo-fi", "低保真"),
        ("lo fi", "lo-fi", "低保真"),
        ("chillhop", "chillhop", "低保真嘻哈"),
        ("bedroom pop", "bedroom pop", "卧室流行"),
        ("chillwave", "chillwave", "驰放"),
        ("低保真", "lo-fi", "低保真"),
    ),
    "rock": (
        ("rock", "rock", "摇滚"),
        ("alt rock", "alt rock", "另类摇滚"),
        ("indie rock", "indie rock", "独立摇滚"),
        ("punk", "punk rock", "朋克"),
        ("pop punk", "pop punk", "流行朋克"),
        ("grunge", "grunge", "垃圾摇滚"),
        ("metal", "metal", "金属"),
        ("emo", "emo", "情绪摇滚"),
        ("shoegaze", "shoegaze", "自赏"),
        ("post-rock", "post-rock", "后摇"),
        ("摇滚", "rock", "摇滚"),
        ("朋克", "punk rock", "朋克"),
        ("金属", "metal", "金属"),
        ("后摇", "post-rock", "后摇"),
    ),
    "jazz": (
        ("jazz", "jazz", "爵士"),
        ("swing", "swing", "摇摆"),
        ("bossa nova", "bossa nova", "波萨诺瓦"),
        ("blues", "blues", "蓝调"),
        ("soul music", "soul", "灵魂乐"),
        ("neo soul", "neo soul", "新灵魂乐"),
        ("r&b", "r&b", "节奏布鲁斯"),
        ("rnb", "r&b", "节奏布鲁斯"),
        ("funk", "funk", "放克"),
        ("disco", "disco", "迪斯科"),
        ("gospel", "gospel", "福音"),
        ("爵士", "jazz", "爵士"),
        ("蓝调", "blues", "蓝调"),
        ("布鲁斯", "blues", "蓝调"),
        ("灵魂乐", "soul", "灵魂乐"),
        ("放克", "funk", "放克"),
    ),
    "folk": (
        ("folk", "folk", "民谣"),
        ("indie folk", "indie folk", "独立民谣"),
        ("acoustic", "acoustic", "原声"),
        ("country", "country", "乡村"),
        ("bluegrass", "bluegrass", "蓝草"),
        ("singer-songwriter", "singer-songwriter", "唱作"),
        ("民谣", "folk", "民谣"),
        ("乡村", "country", "乡村"),
        ("吉他弹唱", "acoustic", "吉他弹唱"),
    ),
    "chinese": (
        ("chinese traditional", "chinese traditional", "古风"),
        ("gufeng", "chinese traditional", "古风"),
        ("guzheng", "guzheng", "古筝"),
        ("古风", "chinese traditional", "古风"),
        ("中国风", "chinese traditional", "中国风"),
        ("国风", "chinese traditional", "国风"),
        ("戏腔", "chinese opera vocals", "戏腔"),
        ("古筝", "guzheng", "古筝"),
        ("二胡", "erhu", "二胡"),
    ),
    "hiphop": (
        ("hip hop", "hip hop", "嘻哈"),
        ("hip-hop", "hip hop", "嘻哈"),
        ("hiphop", "hip hop", "嘻哈"),
        ("rap", "rap", "说唱"),
        ("trap", "trap", "陷阱说唱"),
        ("drill", "drill", "钻头说唱"),
        ("boom bap", "boom bap", "复古说唱"),
        ("说唱", "rap", "说唱"),
        ("嘻哈", "hip hop", "嘻哈"),
    ),
    "pop": (
        ("pop", "pop", "流行"),
        ("indie pop", "indie pop", "独立流行"),
        ("dream pop", "dream pop", "梦幻流行"),
        ("city pop", "city pop", "城市流行"),
        ("k-pop", "k-pop", "韩流"),
        ("j-pop", "j-pop", "日系流行"),
        ("c-pop", "c-pop", "华语流行"),
        ("mandopop", "mandopop", "华语流行"),
        ("cantopop", "cantopop", "粤语流行"),
        ("dance pop", "dance pop", "舞曲流行"),
        ("流行", "pop", "流行"),
        ("华语流行", "mandopop", "华语流行"),
        ("粤语", "cantopop", "粤语流行"),
        ("城市流行", "city pop", "城市流行"),
    ),
    "ambient": (
        ("ambient", "ambient", "氛围"),
        ("cinematic", "cinematic", "电影感"),
        ("orchestral", "orchestral", "管弦"),
        ("classical", "orchestral", "古典"),
        ("epic", "epic", "史诗"),
        ("new age", "new age", "新世纪"),
        ("piano", "piano ballad", "钢琴"),
        ("ballad", "ballad", "抒情"),
        ("氛围", "ambient", "氛围"),
        ("古典", "orchestral", "古典"),
        ("钢琴", "piano ballad", "钢琴"),
        ("管弦", "orchestral", "管弦"),
        ("史诗", "epic", "史诗"),
        ("纯音乐", "ambient", "纯音乐"),
    ),
    "latin": (
        ("reggae", "reggae", "雷鬼"),
        ("reggaeton", "reggaeton", "雷鬼动"),
        ("latin", "latin", "拉丁"),
        ("salsa", "salsa", "萨尔萨"),
        ("afrobeat", "afrobeats", "非洲节拍"),
        ("afrobeats", "afrobeats", "非洲节拍"),
        ("雷鬼", "reggae", "雷鬼"),
        ("拉丁", "latin", "拉丁"),
    ),
}.items():
    for _key, _en, _zh in _entries:
        GENRES[_key] = (_en, _zh, _family)

# Prompt word -> (English tag, Chinese tag).
MOODS: dict[str, tuple[str, str]] = {
    "sad": ("melancholic", "伤感"),
    "melancholy": ("melancholic", "伤感"),
    "melancholic": ("melancholic", "伤感"),
    "happy": ("joyful", "欢快"),
    "joyful": ("joyful", "欢快"),
    "upbeat": ("upbeat", "轻快"),
    "chill": ("chill", "放松"),
    "relaxing": ("chill", "放松"),
    "dreamy": ("dreamy", "梦幻"),
    "dark": ("dark", "暗黑"),
    "romantic": ("romantic", "浪漫"),
    "nostalgic": ("nostalgic", "怀旧"),
    "energetic": ("energetic", "热血"),
    "calm": ("calm", "宁静"),
    "peaceful": ("calm", "宁静"),
    "angry": ("angry", "愤怒"),
    "lonely": ("lonely", "孤独"),
    "hopeful": ("hopeful", "充满希望"),
    "uplifting": ("uplifting", "明亮"),
    "emotional": ("emotional", "深情"),
    "伤感": ("melancholic", "伤感"),
    "悲伤": ("melancholic", "伤感"),
    "忧伤": ("melancholic", "忧伤"),
    "快乐": ("joyful", "欢快"),
    "欢快": ("joyful", "欢快"),
    "轻快": ("upbeat", "轻快"),
    "浪漫": ("romantic", "浪漫"),
    "怀旧": ("nostalgic", "怀旧"),
    "治愈": ("healing", "治愈"),
    "温暖": ("warm", "温暖"),
    "梦幻": ("dreamy", "梦幻"),
    "安静": ("calm", "宁静"),
    "宁静": ("calm", "宁静"),
    "热血": ("energetic", "热血"),
    "孤独": ("lonely", "孤独"),
    "思念": ("longing", "思念"),
    "深情": ("emotional", "深情"),
}
VOICES: dict[str, tuple[str, str]] = {
    "female": ("female vocals", "女声"),
    "woman": ("female vocals", "女声"),
    "girl": ("female vocals", "女声"),
    "male": ("male vocals", "男声"),
    "man": ("male vocals", "男声"),
    "boy": ("male vocals", "男声"),
    "duet": ("duet", "对唱"),
    "choir": ("choir", "合唱"),
    "女声": ("female vocals", "女声"),
    "男声": ("male vocals", "男声"),
    "对唱": ("duet", "对唱"),
    "合唱": ("choir", "合唱"),
}
DEFAULT_VOICES = (("female vocals", "女声"), ("male vocals", "男声"), ("airy vocals", "空灵女声"))
# A prompt naming no genre gets one of these families (a sandbox song is still some kind of song).
DEFAULT_FAMILIES = ("pop", "electronic", "lofi", "folk", "pop", "jazz")


@dataclass(frozen=True)
class Style:
    """What a prompt names, in the order it names them, each as (English, Chinese)."""

    genres: list[tuple[str, str]] = field(default_factory=list)
    moods: list[tuple[str, str]] = field(default_factory=list)
    voices: list[tuple[str, str]] = field(default_factory=list)
    family: str | None = None  # the first named genre's family
    chinese: bool = False  # the prompt is Chinese: answer in Chinese
    spans: list[tuple[int, int]] = field(default_factory=list)  # where the vocabulary matched


def _pattern(key: str) -> str:
    # "hip hop", "hip-hop" and "hiphop" are one genre; so are "lo-fi", "lofi" and "lo fi".
    escaped = re.escape(key).replace(r"\ ", r"[\s_-]*").replace(r"\-", r"[\s_-]*")
    return escaped if CJK.search(key) else rf"(?<![\w-]){escaped}(?![\w-])"


_VOCABULARY = [(key, kind) for kind, table in (("genre", GENRES), ("mood", MOODS), ("voice", VOICES)) for key in table]
# Longest first, so "indie pop" claims its span before "pop" looks at it.
_VOCABULARY.sort(key=lambda item: -len(item[0]))
_COMPILED = [(re.compile(_pattern(key), re.IGNORECASE), key, kind) for key, kind in _VOCABULARY]


def read_style(text: str) -> Style:
    text = text or ""
    hits: list[tuple[int, int, str, str]] = []
    for pattern, key, kind in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(start < e and s < end for s, e, _, _ in hits):
                hits.append((start, end, key, kind))
    hits.sort()
    style = Style(chinese=bool(CJK.search(text)), spans=[(s, e) for s, e, _, _ in hits])
    for _, _, key, kind in hits:
        if kind == "genre":
            en, zh, family = GENRES[key]
            _add(style.genres, (en, zh))
            if style.family is None:
                object.__setattr__(style, "family", family)
        else:
            _add(style.moods if kind == "mood" else style.voices, (MOODS if kind == "mood" else VOICES)[key])
    return style


def _add(found: list[tuple[str, str]], item: tuple[str, str]) -> None:
    if item not in found:
        found.append(item)


def family_of(text: str) -> str | None:
    """The family of the first genre ``text`` names (tags such as "synthwave, dreamy"), or None."""
    return read_style(text).family


_BPM = re.compile(r"(\d{2,3})\s*bpm", re.IGNORECASE)


def bpm_of(text: str) -> int | None:
    """A tempo the tags state ("96 bpm"), kept to what a song can be sung at."""
    match = _BPM.search(text or "")
    return min(max(int(match.group(1)), 60), 180) if match else None
