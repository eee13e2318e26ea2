"""Turn rows of the post plan into text, links, hashtags, mentions and images, one chunk at a time.

Organic text is assembled from frames (high lexical variety); campaign text fills templates with slot
filling, synonym swaps, paraphrase choice and sentence reordering, and is kept unique per template
unless `campaign_duplicate_rate` asks for copies. The LLM style mixes paraphrases of a narrative freely,
so no two posts share a skeleton.
"""
from __future__ import annotations

import hashlib

import numpy as np

from workbench.synth import plan as P
from workbench.synth.brands import BrandSet
from workbench.synth.config import SynthConfig
from workbench.synth.frames import Dice, compile_frame, expand_single, render
from workbench.synth.lexicon import LEXICONS, LANGUAGES, NARRATIVES
from workbench.synth.rewrite import Rewriter
from workbench.synth.timeline import Event

NEWS_DOMAINS = ("news.kuaixun.example", "auto.chepinglun.example", "tech.shumazhoukan.example",
                "www.caijing-ribao.example", "www.evdaily.example", "news.dianche.example",
                "www.techwire-global.example", "www.autowelt-news.example", "m.citynews.example")
# Content farms: smear articles are mirrored across them, and ordinary users share their other stories too.
FARM_DOMAINS = ("baoliao365.example", "qiche-zhenxiang.example", "ev-truth.example", "xinwen-kuaibao.example",
                "zixun-daily.example", "carsafety-watch.example", "keji-neimu.example", "wenzhang8.example",
                "toutiao-hub.example", "blog.shuoche.example", "autoleaks.example", "pinglun-wang.example",
                "redianbao.example", "techgossip.example", "dianping-auto.example", "shumaquan.example")
SECTIONS = ("news", "p", "article", "a", "post", "view")


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


class _LangKit:
    """Compiled frames of one language for one brand perspective (brand index 0 = the target)."""

    def __init__(self, lang: str, brands: BrandSet, focus: int):
        lex = LEXICONS[lang]
        self.lang = lang
        self.joiner = lex.JOINER
        brand = brands.all[focus]
        names = brand.names(lang)
        others = [bb for i, bb in enumerate(brands.all) if i != focus] or list(brands.all)
        pools = {k: list(v) for k, v in lex.POOLS.items()}
        pools.update({k: [v] for k, v in names.items()})
        pools["PRODUCT"] = [names["SUV"], names["CHIP"], names["PHONE"]]
        pools["COMP"] = [o.names(lang)["BRAND"] for o in others]
        pools["COMP_CAR"] = [o.names(lang)["SUV"] for o in others]
        pools["COMP_PHONE"] = [o.names(lang)["PHONE"] for o in others]
        self.pools = pools

        def comp(frames):
            return [compile_frame(f, pools) for f in frames]

        self.everyday = comp(lex.EVERYDAY)
        self.brand_talk = comp(lex.BRAND_TALK)
        self.fan = comp(lex.FAN)
        self.fan_war = comp(lex.FAN_WAR)
        self.rumor_talk = comp(lex.RUMOR_TALK)
        self.official = comp(lex.OFFICIAL)
        self.news = comp(lex.NEWS)
        self.headlines = comp(lex.HEADLINES)
        self.comments = comp(lex.COMMENTS)
        self.repost_comments = list(lex.REPOST_COMMENTS)
        self.openers, self.closers = list(lex.OPENERS), list(lex.CLOSERS)
        self.emoji = pools["EMOJI"]
        self.copypasta = list(lex.COPYPASTA)
        self.smear_comments = {n: comp(lex.SMEAR_COMMENTS[n]) for n in NARRATIVES}
        self.templates = {n: [[comp(group) for group in t] for t in lex.TEMPLATES[n]] for n in NARRATIVES}
        # LLM style: every paraphrase of a narrative is a free-standing sentence to combine at will.
        self.llm_sentences = {n: [frame for t in self.templates[n] for group in t for frame in group]
                              for n in NARRATIVES}
        # The same, per claim (template): an LLM asked to push one claim rephrases that claim's sentences.
        self.llm_claim_sentences = {(n, k): [frame for group in t for frame in group]
                                    for n in NARRATIVES for k, t in enumerate(self.templates[n])}
        self.llm_fluent = {n: comp(lex.LLM_SENTENCES[n]) for n in NARRATIVES}
        self.llm_openers, self.llm_tells = list(lex.LLM_OPENERS), list(lex.LLM_TELLS)
        self.llm_closers = list(lex.LLM_CLOSERS)
        self.tags = {k: [expand_single(h, names) for h in v] for k, v in lex.HASHTAGS.items()}

    def hashtag(self, tag: str) -> str:
        return f"#{tag}#" if self.lang == "zh" else f"#{tag}"


class Composer:
    """Writes the text-bearing columns for chunks of a finished PostPlan."""

    def __init__(self, config: SynthConfig, plan: P.PostPlan, handles: list[str], events: list[Event]):
        self.config = config
        self.plan = plan
        self.handles = handles
        self.events = events
        self.brands = config.brands
        self.kits = {(li, bi): _LangKit(lang, config.brands, bi)
                     for li, lang in enumerate(LANGUAGES) for bi in range(len(config.brands.all))}
        self.seen: dict[int, set[bytes]] = {}
        self.last_text: dict[int, str] = {}
        self.official_handles = [b.official_handle or b.name_en for b in config.brands.all]
        self.slugs = {}
        self.n_stories = max(1_000, config.posts // 20)
        self.headline_texts: dict[int, str] = {}
        self.manuscripts: dict[tuple[int, int], str] = {}
        self.rewriters = {li: Rewriter(lang, LEXICONS[lang].REWRITE_SYNONYMS, LEXICONS[lang].REWRITE_FILLERS,
                                       config.brands.target) for li, lang in enumerate(LANGUAGES)}
        self.launch_texts: dict[tuple[int, int], str] = {}

    # -- pieces ----------------------------------------------------------------------------------------
    def _smear_url(self, campaign: int, article: int, domain: int) -> str:
        key = (campaign, article)
        slug = self.slugs.get(key)
        if slug is None:
            slug = hashlib.blake2b(f"{self.config.seed}:{campaign}:{article}".encode(), digest_size=5).hexdigest()
            self.slugs[key] = slug
        host = FARM_DOMAINS[domain % len(FARM_DOMAINS)]
        return f"https://{host}/{SECTIONS[(article + domain) % len(SECTIONS)]}/{slug}.html"

    def _news_url(self, dice: Dice) -> str:
        # Story popularity is log-uniform (Zipf, exponent 1): a few stories are shared by thousands over
        # days (hot objects a detector must survive), most by one or two people.
        rank = int(self.n_stories ** (dice(1_000_000) / 1_000_000))
        if dice(10) == 0:
            # Content farms name every story with a hash slug, the smear articles included.
            host = FARM_DOMAINS[rank % len(FARM_DOMAINS)]
            slug = hashlib.blake2b(f"story:{self.config.seed}:{rank}".encode(), digest_size=5).hexdigest()
            return f"https://{host}/{SECTIONS[rank % len(SECTIONS)]}/{slug}.html"
        host = NEWS_DOMAINS[(rank * 7 + rank // 13) % len(NEWS_DOMAINS)]
        return f"https://{host}/{rank // 97 % 12 + 1:02d}/{rank:07d}.html"

    def _official_url(self, brand: int, event: int) -> str:
        site = self.brands.all[brand].site or f"{self.brands.all[brand].key}.example"
        if event >= 0:
            return f"https://www.{site}/{self.events[event].product}/launch"
        return f"https://www.{site}/news"

    @staticmethod
    def _photo(dice: Dice) -> str:
        return f"{dice(1 << 31):08x}{dice(1 << 31):08x}"

    def _campaign_image(self, campaign: int, image: int) -> str:
        return hashlib.blake2b(f"img:{self.config.seed}:{campaign}:{image}".encode(), digest_size=8).hexdigest()

    def _launch_tag(self, kit: _LangKit, event: int) -> str:
        tags = kit.tags["launch"]
        product = self.events[event].product if event >= 0 else "car"
        return tags[0] if product == "car" else tags[1 % len(tags)]

    def _sentences(self, kit: _LangKit, frames: list, dice: Dice, n: int) -> str:
        parts = [render(frames[dice(len(frames))], dice) for _ in range(n)]
        if len(parts) == 1:
            return parts[0]
        if kit.lang == "zh":
            seps = ("，", "。", "！", " ", "，")
        elif kit.lang == "ja":
            seps = ("、", "。", "！", "　", "。")
        else:
            seps = (". ", ". ", "! ", " - ", ", ")
        return seps[dice(len(seps))].join(parts)

    # -- one chunk -------------------------------------------------------------------------------------
    def compose(self, lo: int, hi: int, dice: Dice):
        """Texts and list columns for plan rows [lo, hi). Returns (text, lang, urls, hashtags, mentions, media)."""
        plan = self.plan
        cols = {name: getattr(plan, name)[lo:hi].tolist() for name in
                ("content", "lang", "acc", "campaign", "narrative", "template", "wave", "brand", "event", "kind")}
        waves = plan.waves
        texts, urls, tags, mentions, media = [], [], [], [], []
        n_handles = len(self.handles)
        cfg = self.config
        for i in range(hi - lo):
            content = cols["content"][i]
            li = cols["lang"][i]
            brand = cols["brand"][i]
            kit = self.kits[(li, brand if brand >= 0 else 0)]
            u: list[str] = []
            h: list[str] = []
            m: list[str] = []
            img: list[str] = []
            if content == P.EVERYDAY or content == P.CAMOUFLAGE_TEXT:
                body = kit.openers[dice(len(kit.openers))] + self._sentences(kit, kit.everyday, dice, 1 + (dice(3) == 0))
                body += kit.closers[dice(len(kit.closers))]
                if dice(4) == 0:
                    body += kit.emoji[dice(len(kit.emoji))]
                if dice(5) == 0:
                    h.append(kit.tags["everyday"][dice(len(kit.tags["everyday"]))])
                if dice(100) < cfg.organic_url_rate * 100:
                    u.append(self._news_url(dice))
                if dice(20) == 0:
                    m.append(self.handles[dice(n_handles)])
                if dice(7) == 0:
                    img.append(self._photo(dice))
            elif content == P.BRAND_TALK or content == P.FAN_WAR:
                frames = kit.brand_talk if content == P.BRAND_TALK else kit.fan_war
                body = kit.openers[dice(len(kit.openers))] + self._sentences(kit, frames, dice, 1 + (dice(4) == 0))
                body += kit.closers[dice(len(kit.closers))]
                if dice(3) == 0:
                    h.append(kit.tags["brand"][dice(len(kit.tags["brand"]))])
                if dice(6) == 0:
                    h.append(kit.tags["launch"][dice(len(kit.tags["launch"]))])
                if content == P.BRAND_TALK and dice(8) == 0:
                    # Trending smear topics draw ordinary users too: doubts, worries, debunks.
                    h.append(kit.tags["smear"][dice(len(kit.tags["smear"]))])
                    body = render(kit.rumor_talk[dice(len(kit.rumor_talk))], dice)
                if dice(100) < cfg.organic_url_rate * 200:
                    u.append(self._news_url(dice))
                if dice(10) == 0:
                    m.append(self.official_handles[brand if brand >= 0 else 0])
                if dice(6) == 0:
                    img.append(self._photo(dice))
            elif content == P.COPYPASTA:
                body = kit.copypasta[dice(len(kit.copypasta))]
            elif content == P.REPOST_TEXT:
                body = kit.repost_comments[dice(len(kit.repost_comments))]
            elif content == P.COMMENT_TEXT:
                body = render(kit.comments[dice(len(kit.comments))], dice)
                if dice(30) == 0:
                    m.append(self.handles[dice(n_handles)])
            elif content == P.OFFICIAL_TEXT:
                body = render(kit.official[dice(len(kit.official))], dice)
                event = cols["event"][i]
                h.append(self._launch_tag(kit, event) if event >= 0 else kit.tags["brand"][0])
                u.append(self._official_url(brand, event))
                img.append(hashlib.blake2b(f"poster:{brand}:{event}:{dice(3)}".encode(), digest_size=8).hexdigest())
            elif content == P.NEWS_TEXT:
                body = render(kit.news[dice(len(kit.news))], dice)
                if dice(10) < 8:
                    u.append(self._news_url(dice))
            elif content == P.FAN_TEXT:
                body = render(kit.fan[dice(len(kit.fan))], dice)
                event = cols["event"][i]
                h.append(self._launch_tag(kit, event))
                u.append(self._official_url(brand, event))
                if dice(3) == 0:
                    m.append(self.official_handles[brand])
                if dice(2) == 0:
                    img.append(hashlib.blake2b(f"poster:{brand}:{event}:0".encode(), digest_size=8).hexdigest())
            elif content == P.OFFICIAL_ECHO:
                # A brand's official accounts announce a launch with the same text, lightly varied.
                event = cols["event"][i]
                body = self._launch_text(kit, brand, event)
                variant = dice(4)
                if variant == 1:
                    body = "【官宣】" + body if kit.lang == "zh" else "Official: " + body
                elif variant == 2:
                    body += kit.emoji[dice(len(kit.emoji))]
                if cols["acc"][i] != brand:
                    m.append(self.official_handles[brand])
                h.append(self._launch_tag(kit, event))
                u.append(self._official_url(brand, event))
                img.append(hashlib.blake2b(f"poster:{brand}:{event}:0".encode(), digest_size=8).hexdigest())
            elif content == P.HEADLINE_TEXT:
                # Every bot posts the same headline and link; the posting tool adds a tag or a label now and then.
                headline = cols["wave"][i]
                body = self._headline(kit, headline)
                if dice(4) == 0:
                    body = ("【资讯】", "【快讯】", "速递｜")[dice(3)] + body
                if dice(2) == 0:
                    h.append(kit.tags["brand"][0])
                u.append(f"https://{NEWS_DOMAINS[headline % len(NEWS_DOMAINS)]}/flash/{headline:06d}.html")
            elif content in (P.CAMPAIGN_TEMPLATE, P.CAMPAIGN_LLM, P.SMEAR_COMMENT, P.CAMPAIGN_REPOST):
                body = self._campaign(content, kit, cols, i, dice, u, h, m, img, waves)
            else:  # pragma: no cover - every content code is handled above
                raise AssertionError(content)
            texts.append(self._assemble(kit, body, u, h, m))
            urls.append(u)
            tags.append(h)
            mentions.append(m)
            media.append(img)
        langs = [LANGUAGES[li] for li in cols["lang"]]
        return texts, langs, urls, tags, mentions, media

    def _launch_text(self, kit: _LangKit, brand: int, event: int) -> str:
        key = (brand, event)
        text = self.launch_texts.get(key)
        if text is None:
            dice = Dice(np.random.default_rng([self.config.seed, 0x4C4E43, brand, event]), block=64)
            text = render(kit.official[dice(len(kit.official))], dice)
            self.launch_texts[key] = text
        return text

    def _headline(self, kit: _LangKit, headline: int) -> str:
        """The text of headline number `headline` (the same for every bot, whatever chunk it falls in)."""
        text = self.headline_texts.get(headline)
        if text is None:
            dice = Dice(np.random.default_rng([self.config.seed, 0x4E5753, headline]), block=64)
            text = render(kit.headlines[dice(len(kit.headlines))], dice)
            self.headline_texts[headline] = text
        return text

    def _assemble(self, kit: _LangKit, body: str, u: list, h: list, m: list) -> str:
        """Put hashtags, mentions and links into the text the way people write them."""
        if not (u or h or m):
            return body
        if kit.lang == "zh":
            text = "".join(kit.hashtag(t) for t in h) + body  # Weibo puts #topics# in front
        else:
            text = " ".join([body, *(kit.hashtag(t) for t in h)]) if h else body
        if m:
            text += " " + " ".join(f"@{x}" for x in m)
        if u:
            text += " " + " ".join(u)
        return text

    def _campaign(self, content, kit, cols, i, dice, u, h, m, img, waves) -> str:
        wave = cols["wave"][i]
        narrative = NARRATIVES[cols["narrative"][i]]
        campaign = cols["campaign"][i]
        if content == P.CAMPAIGN_REPOST:
            if dice(10) < 6:
                return kit.repost_comments[dice(len(kit.repost_comments))]
            return render(kit.smear_comments[narrative][dice(len(kit.smear_comments[narrative]))], dice)
        if content == P.SMEAR_COMMENT:
            body = render(kit.smear_comments[narrative][dice(len(kit.smear_comments[narrative]))], dice)
            if dice(4) == 0:
                body += kit.emoji[dice(len(kit.emoji))]
            return body
        # Wave-level shared objects: smear link (mirrored across farms), hashtags, image, mention.
        article = int(waves.article[wave])
        if article >= 0 and dice(10) < 8:
            domain = int(waves.domain[wave]) if dice(2) == 0 else dice(len(FARM_DOMAINS))
            u.append(self._smear_url(campaign, article, domain))
        smear_tags = kit.tags["smear"]
        if dice(10) < 7:
            h.append(smear_tags[int(waves.smear_tag[wave]) % len(smear_tags)])
        hijack = int(waves.hijack_event[wave])
        if hijack >= 0 and dice(10) < 8:
            h.insert(0, self._launch_tag(kit, hijack))
        if dice(5) == 0:
            m.append(self.official_handles[0])
        if waves.media[wave] >= 0 and dice(10) < 7:
            img.append(self._campaign_image(campaign, int(waves.media[wave])))
        if content == P.CAMPAIGN_LLM:
            return self._llm_unique(kit, narrative, int(waves.template[wave]), dice)
        self._current_campaign = campaign
        return self._templated(kit, cols["template"][i], dice)

    def _fill_template(self, kit: _LangKit, template: int, dice: Dice) -> str:
        _, narrative, k = self.plan.templates[template]
        groups = kit.templates[narrative][k]
        # The first sentence stays in front; the others are reordered (Fisher-Yates with the dice).
        order = list(range(1, len(groups)))
        for j in range(len(order) - 1, 0, -1):
            swap = dice(j + 1)
            order[j], order[swap] = order[swap], order[j]
        if len(order) > 2 and dice(3) == 0:
            order.pop()  # sometimes a sentence is dropped
        sentences = [render(groups[g][dice(len(groups[g]))], dice) for g in [0, *order]]
        text = kit.joiner.join(sentences)
        if kit.lang == "zh" and dice(4) == 0:  # not every generated post is punctuated like a press release
            text = text.replace("。", "，").rstrip("，") + ("" if dice(2) else "！")
        if dice(3) == 0:
            text += kit.emoji[dice(len(kit.emoji))]
        return text

    def _rewritten(self, kit: _LangKit, template: int, dice: Dice) -> str:
        """A rewrite of the claim's manuscript (one per campaign and template, the same in every chunk)."""
        campaign = self._current_campaign
        key = (campaign, template)
        manuscript = self.manuscripts.get(key)
        if manuscript is None:
            seeded = Dice(np.random.default_rng([self.config.seed, 0x4D5331, campaign, template]), block=256)
            manuscript = self._fill_template(kit, template, seeded)
            self.manuscripts[key] = manuscript
        lang_index = LANGUAGES.index(kit.lang)
        return self.rewriters[lang_index].rewrite(manuscript, dice)

    def _templated(self, kit: _LangKit, template: int, dice: Dice) -> str:
        seen = self.seen.setdefault(template, set())
        if self.config.campaign_duplicate_rate > 0 and template in self.last_text \
                and dice.chance(self.config.campaign_duplicate_rate):
            return self.last_text[template]
        write = self._rewritten if self.config.rewrite else self._fill_template
        text = write(kit, template, dice)
        tries = 0
        while _digest(text) in seen:
            tries += 1
            if tries < 8:
                text = write(kit, template, dice)
            else:  # a rare exhausted corner of the template space: vary the ending instead
                text = text + kit.emoji[dice(len(kit.emoji))]
        seen.add(_digest(text))
        self.last_text[template] = text
        return text

    def _llm_unique(self, kit: _LangKit, narrative: str, template: int, dice: Dice) -> str:
        """An LLM post pushing the wave's claim, never the same text twice within a claim."""
        seen = self.seen.setdefault(-1 - template, set())
        text = self._llm(kit, narrative, template, dice)
        tries = 0
        while _digest(text) in seen:
            tries += 1
            text = self._llm(kit, narrative, template, dice) if tries < 8 else text + kit.emoji[dice(len(kit.emoji))]
        seen.add(_digest(text))
        return text

    def _llm(self, kit: _LangKit, narrative: str, template: int, dice: Dice) -> str:
        # Half the sentences are fluent, hedged prose of their own; the rest rephrase the narrative's claims.
        parts = []
        used = set()
        for _ in range(2 + dice(2)):
            frames = kit.llm_fluent[narrative] if dice(2) == 0 \
                else kit.llm_claim_sentences[(narrative, self.plan.templates[template][2])]
            pick = dice(len(frames))
            if (id(frames), pick) in used:  # a writer does not repeat a sentence within one post
                continue
            used.add((id(frames), pick))
            sentence = render(frames[pick], dice)
            if kit.lang in ("zh", "ja") and not sentence.endswith(("。", "！", "？")):
                sentence += "。"
            elif kit.lang != "zh" and not sentence.endswith((".", "!", "?")):
                sentence += "."
            parts.append(sentence)
        text = kit.llm_openers[dice(len(kit.llm_openers))] + kit.joiner.join(parts)
        if dice(2) == 0:
            text += kit.joiner + kit.llm_closers[dice(len(kit.llm_closers))]
        if self.config.llm_tell_rate > 0 and dice.chance(self.config.llm_tell_rate):
            text = kit.llm_tells[dice(len(kit.llm_tells))] + kit.joiner + text
        return text
