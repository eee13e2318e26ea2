"""A small seeded corpus with planted templates and narratives, for the text tests and benchmarks.

Organic posts are random sentences on everyday topics in zh/en/de; campaign posts fill planted templates
(slot words vary) for three narratives: false claim, competitor comparison, division.
"""
from __future__ import annotations

import datetime as dt
import random

import polars as pl

SLOTS = {
    "car": ["SU7", "YU7", "小米汽车", "新车"],
    "car_en": ["SU7", "YU7", "Xiaomi car", "new EV"],
    "problem": ["刹车失灵", "电池起火", "底盘断裂", "系统死机"],
    "problem_en": ["brakes fail", "battery catches fire", "chassis cracks", "screen freezes"],
    "rival": ["特斯拉", "比亚迪", "蔚来", "理想"],
    "fans": ["米粉", "果粉", "花粉"],
    "city": ["北京", "上海", "深圳", "成都", "武汉"],
}
TEMPLATES = {
    # template_id: (narrative, text with {slot} placeholders, lang)
    "t_claim_zh": ("false_claim", "曝光！{car}在{city}又出事了，{problem}，官方一直在隐瞒真相，千万别买，转给身边的朋友看看", "zh"),
    "t_claim_zh2": ("false_claim", "内部员工爆料：{car}的{problem}问题早就知道，但是为了销量故意不召回，太可怕了", "zh"),
    "t_claim_en": ("false_claim", "WARNING: the {car_en} {problem_en} after a few weeks and the company is hiding it. Do not buy one, share this with everyone", "en"),
    "t_compare_zh": ("comparison", "同样的价格买{rival}不香吗？{car}的质量和{rival}根本没法比，配置全是噱头，懂车的都不会选", "zh"),
    "t_division_zh": ("division", "{fans}们醒醒吧，{fans}天天被当韭菜割，还在网上骂别人，真正的{fans}早就不买了", "zh"),
}
ORGANIC_ZH = ["今天", "天气", "不错", "中午", "吃了", "火锅", "周末", "去公园", "跑步", "看电影", "工作", "加班", "好累",
              "猫咪", "睡觉", "新书", "读完", "咖啡", "地铁", "好挤", "考试", "通过", "朋友", "聚会", "下雨", "回家"]
ORGANIC_EN = ["today", "weather", "lunch", "coffee", "weekend", "park", "running", "movie", "work", "tired", "cat",
              "book", "train", "friends", "party", "rain", "home", "game", "music", "concert", "garden", "pizza"]
ORGANIC_DE = ["heute", "Wetter", "Mittagessen", "Kaffee", "Wochenende", "Park", "laufen", "Film", "Arbeit", "müde",
              "Katze", "Buch", "Zug", "Freunde", "Regen", "Hause", "Spiel", "Musik", "Garten", "Fahrrad"]


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))


def _han_word(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(2))


def fill(template: str, rng: random.Random) -> str:
    out = template
    for slot, values in SLOTS.items():
        while "{" + slot + "}" in out:
            out = out.replace("{" + slot + "}", rng.choice(values), 1)
    return out


def build_corpus(n_organic: int = 600, per_template: int = 40, exact_copies: int = 20, seed: int = 0
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(posts, truth): canonical-ish posts (post_id, account_id, created_at, text, lang) and truth
    (post_id, template_id, narrative; organic posts have nulls)."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 5, 1)
    rows, truth = [], []
    for i in range(n_organic):
        lang = rng.choice(["zh", "en", "de"])
        if lang == "zh":
            words = rng.sample(ORGANIC_ZH, rng.randint(2, 4)) + [_han_word(rng) for _ in range(rng.randint(3, 6))]
            rng.shuffle(words)
            text = "".join(words) + rng.choice(["。", "！", "~", ""])
        elif lang == "en":
            words = rng.sample(ORGANIC_EN, rng.randint(2, 4)) + [_made_up_word(rng) for _ in range(rng.randint(3, 6))]
            rng.shuffle(words)
            text = "my " + " ".join(words) + rng.choice([".", "!", " :)"])
        else:
            words = rng.sample(ORGANIC_DE, rng.randint(2, 4)) + [_made_up_word(rng) for _ in range(rng.randint(3, 6))]
            rng.shuffle(words)
            text = "Das ist " + " ".join(words) + rng.choice([".", "!"])
        post_id = f"synth:o{i}"
        rows.append((post_id, f"synth:u{rng.randint(0, n_organic // 2)}", start + dt.timedelta(minutes=rng.randint(0, 40000)), text, lang))
        truth.append((post_id, None, None))
    for template_id, (narrative, template, lang) in TEMPLATES.items():
        texts = []
        for i in range(per_template):
            text = fill(template, rng)
            if i < exact_copies and texts:
                text = rng.choice(texts)  # verbatim copy of an earlier fill
            texts.append(text)
            post_id = f"synth:{template_id}_{i}"
            rows.append((post_id, f"synth:bot{rng.randint(0, 50)}", start + dt.timedelta(minutes=rng.randint(0, 40000)), text, lang))
            truth.append((post_id, template_id, narrative))
    posts = pl.DataFrame(rows, schema=["post_id", "account_id", "created_at", "text", "lang"], orient="row")
    truth_frame = pl.DataFrame(truth, schema={"post_id": pl.String, "template_id": pl.String, "narrative": pl.String}, orient="row")
    order = list(range(posts.height))
    rng.shuffle(order)
    return posts[order], truth_frame
