"""Named kinds of non-body text, each decided by a small, explainable rule.

:func:`line_kind` looks at one unit alone (its own features). Context rules
(headline, dek, a widget's options, an appeal's paragraphs, a reposting
site's author bio, duplicates) live in :mod:`newsprism.clean.classify`.
The vocabularies are ours, written for English-language news.
"""

from __future__ import annotations

import re

from .lines import Unit

#: Every reason a segment can be removed for, with a one-line explanation (shown in docs and reports).
REASONS: dict[str, str] = {
    "headline": "the article's headline, kept as metadata",
    "dek": "the subtitle under the headline, kept as metadata",
    "date": "a publication date line, kept as metadata",
    "byline": "an author line, kept as metadata",
    "caption": "a photo or video caption, kept as metadata",
    "duplicate": "a repeat of a line earlier in the same text (e.g. the headline again)",
    "address": "a postal address or address label",
    "counter": "a view, like, share or comment counter",
    "widget": "a share, reaction or other page widget",
    "navigation": "a menu, breadcrumb or link to other articles",
    "advert": "an advertisement marker",
    "promo": "a newsletter, app or social-media promotion",
    "contact": "an e-mail address, obfuscated e-mail or phone contact line",
    "licensing": "a syndication, licensing or copyright note",
    "appeal": "a donation or membership appeal",
    "credit": "a reporting credit (e.g. 'AFP contributed reporting')",
    "bio": "an author biography, usually the reposting site's",
    "embed": "an embedded social-media post",
    "fragment": "a fragment with no words (scraping residue)",
    "boilerplate": "a line repeated across many different articles of one site or corpus",
}

_I = re.IGNORECASE

# -- address -----------------------------------------------------------------
_STREET = (
    r"(?:st|street|ave|avenue|rd|road|lane|ln|blvd|boulevard|dr|drive|way|court|ct|place|pl|square|sq"
    r"|highway|hwy|parkway|pkwy|terrace|plaza|row|quay|crescent)"
)
_ADDR_LABEL = re.compile(r"^(?:physical|mailing|postal|office|street|head ?office|our)\s+address:?$", _I)
_ADDR_STREET = re.compile(
    rf"^\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][\w.'’-]*\s+){{0,5}}{_STREET}\.?(?:,?\s+(?:suite|ste|floor|fl|unit|apt)\.?\s*\w+)?\.?$",
    _I,
)
_ADDR_CITY = re.compile(r"^[A-Z][\w .'’-]{1,40},\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$")
_ADDR_POBOX = re.compile(r"^p\.?\s?o\.?\s+box\s+\d+", _I)

# -- counter -----------------------------------------------------------------
_COUNT_WORDS = (
    r"views?|likes?|comments?|shares?|reads?|reactions?|votes?|followers?|retweets?|replies|"
    r"min(?:ute)?s?(?: read)?|hours? ago|days? ago"
)
_COUNTER = re.compile(
    rf"^(?:[^\w\s]*\s*(?:{_COUNT_WORDS})?\s*:?\s*\d[\d.,]*\s*[kKmM]?\s*(?:{_COUNT_WORDS})?\s*[^\w\s]*\s*)+$", _I
)

# two to six small whole numbers and nothing else: "0  0", "214 12 3" (views, likes, comments)
_NUM_COUNTER = re.compile(r"^\d{1,7}[kKmM]?(?:\s+\d{1,7}[kKmM]?){1,5}$")

# -- widgets, adverts, navigation, promotion --------------------------------------
_WIDGET_HEAD = re.compile(
    r"^(?:what(?:'|’)?s your reaction\??|how do you feel about this( article| story)?\??|"
    r"rate this (?:article|story)|was this (?:article|story) helpful\??|your reaction\??)$",
    _I,
)
REACTION_WORDS = frozenset(
    "like dislike love funny angry sad wow haha care lol omg thumbs up thumbs down upvote downvote "
    "happy unhappy surprised scared inspired amused shocked".split()
) | {"thumbs up", "thumbs down"}
_WIDGET = re.compile(
    r"^(?:share(?: this)?(?: (?:article|story|post|page))?(?: on \w+)?|share via|tweet|print|e-?mail|"
    r"copy link|link copied|save(?: article| for later)?|bookmark|facebook|twitter|x|whatsapp|linkedin|"
    r"reddit|telegram|pinterest|flipboard|(?:leave|add|post) a comment|show comments|view comments|comments|"
    r"listen to (?:this )?(?:article|story)|text size|font size|a\s*a|toggle \w+|close|"
    r"add to (?:favorites|favourites|reading list)|gift (?:this )?article|report an error|"
    r"share on (?:facebook|twitter|x|whatsapp|linkedin|reddit|email))[.!:]?$",
    _I,
)
_ADVERT = re.compile(
    r"^(?:(?:advertisement|advertising|ad)(?:[.:]?\s*(?:continue reading (?:the main story|below)|"
    r"story continues below|article continues below))?|ads|sponsored(?: content| post| story)?|paid content|"
    r"(?:the )?(?:story|article) continues (?:below|after)(?: (?:this |the )?(?:advertisement|ad))?|"
    r"continue reading (?:below|the main story)|scroll (?:down )?to continue(?: with content)?|"
    r"skip (?:advertisement|ad)|promoted(?: content)?)[.:]?$",
    _I,
)
_NAV_PREFIX = re.compile(
    r"^\(?\s*(?:related(?: stories| articles| coverage| content| reading)?|read more|read also|also read|"
    r"read next|see also|more from [^:]{1,50}|also on [^:]{1,40}|more on (?:this|that)(?: story)?|"
    r"recommended(?: for you)?|trending(?: now)?|most (?:read|popular|viewed)|popular now|you may also like|"
    r"you might also like|further reading|more stories|more news|next article|previous article|"
    r"next story|previous story|tags|topics|filed under|categories|in this article|keep reading|"
    r"watch|listen|don't miss|do not miss|editor'?s picks?|top stories|latest news|up next)\s*[:|»›>-]",
    _I,
)
_NAV_WHOLE = re.compile(
    r"^(?:skip to (?:main )?content|back to top|menu|home|main menu|search|sign in|log in|login|"
    r"subscribe|newsletters?|more from [\w .'’&-]{1,50}|related(?: stories| articles| coverage)?|"
    r"read more|see more|load more|show more|next|previous|close menu)[.:]?$",
    _I,
)
_NAV_SEP = re.compile(r"\s(?:\||»|›|>|•|/)\s")
_PROMO = re.compile(
    r"^(?:sign up(?: for| to)?|subscribe(?: to| for| now| today)|follow us|follow (?:@|the )|join (?:our|us)|"
    r"get (?:our|the) (?:\w+ )?(?:newsletter|app|daily|morning|briefing)|download (?:our|the) (?:\w+ )?app|"
    r"click here|like us on|find us on|want more|never miss|get the latest|stay (?:informed|up to date)|"
    r"get breaking news|receive (?:our|the)|to get (?:our|the))\b",
    _I,
)

# -- licensing and syndication (with the origin outlet named) -----------------------
_LICENSING = re.compile(
    r"content created by .{2,80}? is available|available without charge|licensing opportunit|"
    r"(?:may|can|must not|cannot|free to) (?:be )?republish|republished (?:with|from|under|by)|"
    r"republishing (?:rights|opportunit|terms)|for syndication|syndication (?:rights|opportunit|partners?|service)|"
    r"all rights reserved|©|\(c\) ?\d{4}|copyright \d{4}|"
    r"\b(?:this|the) (?:story|article|report|piece|content) (?:is|was) (?:distributed|provided|produced|"
    r"published|syndicated|shared|reproduced) (?:by|with|under|through)|"
    r"originally (?:appeared|published|ran)|reprinted (?:with|by) permission|used with permission|"
    r"may not be (?:published|broadcast|rewritten|redistributed|reproduced)|creative commons licen[cs]e|"
    r"(?:this|the) (?:story|article) (?:first )?appeared (?:on|in|at)",
    _I,
)
# Wordings that are licensing notes whatever the length of the line they are in.
_LICENSING_STRONG = re.compile(
    r"content created by .{2,80}? is available|available without charge|licensing opportunit|all rights reserved|"
    r"©|copyright \d{4}|may not be (?:published|broadcast|rewritten|redistributed|reproduced)",
    _I,
)
_NAME = r"(?:the )?[A-Z][\w&.'’-]*(?:\s+(?:of|for|and|&|the|de|du|la|[A-Z][\w&.'’-]*))*"
ORIGIN_PATTERNS = [
    re.compile(rf"content created by ({_NAME}) is available", _I),
    re.compile(rf"(?:distributed|provided|produced|syndicated|published|shared|reproduced) (?:by|through) ({_NAME})"),
    re.compile(rf"(?:originally|first) (?:appeared|published|ran) (?:on|in|at|by) ({_NAME})"),
    re.compile(rf"(?:appeared|published) (?:first )?(?:on|in|at) ({_NAME})"),
    re.compile(rf"republished (?:with permission )?(?:from|of) ({_NAME})", _I),
    re.compile(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?({_NAME})", _I),
]

# -- appeals ---------------------------------------------------------------------------
_APPEAL_HEAD = re.compile(
    r"^(?:an? (?:message|note|word|request|appeal) from ((?:the )?[A-Z][\w .&'’-]{1,60}?)[:.!]?$|"
    r"dear (?:readers?|friends?|subscribers?)[,:!]?$|"
    r"(?:please )?support (?:local|independent|our|quality|public-interest) (?:\w+ )?journalism[.!]?$|"
    r"(?:donate|contribute|give)(?: now| today)?[.!]?$|"
    r"become a (?:member|supporter|patron|subscriber)(?: today| now)?[.!]?$)",
    _I,
)
#: Cheap test before APPEAL_CUES: every cue contains one of these (on lower-cased text).
APPEAL_HINTS = ("donat", "contribut", "support", "member", "help us", "your help", "gift", "reader-", "journalism",
                "chip in", "paywall", "keep our", "keep this", "for just", "for as little as")
APPEAL_CUES = re.compile(
    r"\b(?:donat\w*|contribut(?:e|ion|ions|ing)|support us|your support|supporting (?:us|our|the)|"
    r"become a (?:member|supporter|patron|subscriber)|help us|we need your help|"
    r"(?:monthly|one-time|recurring) (?:gift|donation|contribution|support)|reader-(?:funded|supported)|"
    r"independent journalism|make a (?:one-time )?(?:gift|donation|contribution)|every (?:contribution|dollar|gift)|"
    r"chip in|paywall|keep (?:our|this) (?:journalism|reporting|newsroom)|for (?:just|as little as) [$€£]?\d)",
    _I,
)

# -- credits --------------------------------------------------------------------------
_CREDIT = [
    re.compile(r"^(.{2,120}?) contributed (?:to )?(?:this )?(?:report|reporting|research|to this (?:report|story))"
               r"(?: (?:from|in) [\w ,.'’-]{2,60})?[.;]?$", _I),
    re.compile(r"^\(?\s*(?:additional |with additional |extra )?reporting (?:by|from) (.{2,200}?)\s*\)?\.?$", _I),
    re.compile(r"^\(?\s*(?:compiled|edited|writing|editing|produced) by (.{2,120}?)\s*\)?\.?$", _I),
    re.compile(r"^(?:[-–—]\s*)?(?i:with) (?:(?i:reporting from|wires? from|files from) )?"
               r"((?:AFP|AP|Reuters|dpa|DPA|Bloomberg|ANSA|EFE|Xinhua|TASS|Kyodo|PA|UPI)(?:(?:,| and| &) ?"
               r"(?:AFP|AP|Reuters|dpa|DPA|Bloomberg|ANSA|EFE|Xinhua|TASS|Kyodo|PA|UPI))*)\.?$"),
    re.compile(r"^[-–—]\s*((?:the )?(?:Associated Press|AP|Reuters|AFP|Agence France-Presse|Bloomberg))\.?$", _I),
    re.compile(r"^(?:this|the) (?:story|article|report) (?:includes|contains|uses) (?:material|reporting|information) "
               r"from (.{2,120}?)\.?$", _I),
]

# -- embeds -------------------------------------------------------------------------
_EMBED = re.compile(
    r"pic\.twitter\.com/\w+|https?://t\.co/\w+|\(@\w{1,30}\)\s+[A-Z][a-z]+ \d{1,2}, \d{4}|"
    r"^view this post on (?:instagram|tiktok|facebook)|^a post shared by|instagram\.com/(?:p|reel)/|"
    r"(?:youtube\.com/watch|youtu\.be/|tiktok\.com/@)|^\[?embedded (?:content|video|tweet)\]?$|"
    r"^— .{1,60} \(@\w{1,30}\)",
    _I,
)

# -- captions -------------------------------------------------------------------------
_MEDIA = r"(?:photo|photograph|image|picture|video|footage|illustration|graphic|file photo|screenshot|screengrab)s?"
_CAPTION = [
    re.compile(rf"\((?=[^()]*\b(?:{_MEDIA}|credit)\b)[^()]*(?:\bby\b|/|:|courtesy)[^()]*\)\s*$", _I),
    re.compile(r"\((?:AP|AFP|Reuters|EPA|Getty Images|Shutterstock|Bloomberg|Xinhua|Pool)(?: ?(?:Photo|/)[^()]*)?\)\s*$"),
    re.compile(rf"^(?:{_MEDIA}|pictured|caption|above|top|main image)\s*(?:credit)?\s*[:|]", _I),
    re.compile(rf"\b{_MEDIA}\s*(?:credit)?\s*:\s*[A-Z][^.]{{0,80}}$", _I),
    re.compile(r"^FILE\s*[-–—]\s"),
    re.compile(r"(?:/|\|)\s*(?:Getty Images|AFP|Reuters|AP|Shutterstock|EPA|Alamy|Bloomberg)(?: via Getty Images)?\.?\s*$"),
    re.compile(r"\b(?:credit|courtesy)\s*:\s*[A-Z][^.]{0,60}$", _I),
]

# -- contact ---------------------------------------------------------------------------
_EMAIL = re.compile(r"\[\s*email[\s\u00a0]*protected\s*\]|[\w.+-]+@[\w-]+\.[\w.-]+|\bemail protected\b", _I)
_PHONE = re.compile(r"(?:\+?\d[\d ().-]{7,}\d)")
_CONTACT_HEAD = re.compile(r"^(?:e-?mail|contact|tel|phone|call|write to|reach)\b", _I)


_EMBED_HINTS = ("pic.twitter", "t.co/", "(@", "instagram", "youtu", "tiktok", "post shared", "embedded")
_LICENSING_HINTS = (
    "content created", "without charge", "licensing", "republish", "syndicat", "rights reserved", "©", "(c)",
    "copyright", "distributed", "provided by", "produced by", "published by", "shared by", "shared with",
    "shared under", "reproduced", "syndicated", "originally", "permission", "may not be", "creative commons",
    "appeared",
)
_MEDIA_HINTS = ("photo", "image", "picture", "video", "footage", "illustration", "graphic", "screen", "credit",
                "courtesy", "caption", "pictured")
_AGENCY_TAIL = ("getty", "afp", "reuters", "ap", "shutterstock", "epa", "alamy", "bloomberg", "xinhua", "pool")


def has_any(low: str, words: tuple[str, ...]) -> bool:
    """Does ``low`` contain one of ``words``? One substring scan per word, in C: about twice as
    fast as a regex alternation of the same words, which tries every alternative at every
    position where one could start."""
    return any(map(low.__contains__, words))


_CAPTION_LEAD = ("enlarge this image", "toggle caption", "hide caption", "image caption", "photo caption",
                 "caption:", "photo:", "image:", "pictured:")


def _is_caption(t: str, low: str) -> bool:
    if low.startswith(_CAPTION_LEAD):
        return True
    paren, colon = t.endswith(")"), ":" in t or "|" in t
    media = (paren or colon) and has_any(low, _MEDIA_HINTS)  # only read with one of those
    if paren and (media or has_any(low[-60:], _AGENCY_TAIL)):
        if _CAPTION[0].search(t) or _CAPTION[1].search(t):
            return True
    if media and colon and (_CAPTION[2].match(t) or _CAPTION[3].search(t) or _CAPTION[6].search(t)):
        return True
    if t.startswith("FILE") and _CAPTION[4].match(t):
        return True
    return ("/" in t or "|" in t) and has_any(low[-40:], _AGENCY_TAIL) and bool(_CAPTION[5].search(t))


def origin_in(text: str) -> str | None:
    """The outlet a licensing or syndication note names as the creator, if any."""
    for pat in ORIGIN_PATTERNS:
        m = pat.search(text)
        if m:
            name = clean_name(m.group(1))
            if name and name.lower() not in {"the", "this", "our", "permission"}:
                return name
    return None


def clean_name(name: str) -> str:
    """Trim a captured outlet or agency name: spaces, trailing punctuation and filler words."""
    name = re.sub(r"\s+", " ", name).strip(" .,:;!?'\"“”")
    name = re.sub(r"\s+(?:and|is|was|for|under|with|on|in|at)$", "", name, flags=re.IGNORECASE)
    if name.lower().startswith("the "):
        name = "The " + name[4:]
    return name


def credits_in(unit: Unit) -> list[str] | None:
    """Names credited by a credit line ("AFP contributed reporting"), or None if it is not one."""
    if unit.words > 40:
        return None
    for pat in _CREDIT:
        m = pat.match(unit.text)
        if m:
            who = m.group(1)
            parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", who)
            out = []
            for p in parts:
                p = re.sub(r"\s+(?:in|from)\s+[A-Z][\w .'’-]*$", "", p.strip())
                p = re.sub(r"^(?:editing|writing|reporting) by\s+", "", p, flags=re.IGNORECASE)
                p = clean_name(p)
                if p and re.search(r"[A-Za-z]{2}", p):
                    out.append(p)
            return out or None
    return None


def appeal_origin(unit: Unit) -> tuple[bool, str | None]:
    """(is an appeal header, the outlet it names)."""
    m = _APPEAL_HEAD.match(unit.text)
    if not m:
        return False, None
    name = m.group(1)
    return True, clean_name(name) if name else None


def is_widget_head(unit: Unit) -> bool:
    return _WIDGET_HEAD.match(unit.text) is not None


def is_reaction(unit: Unit) -> bool:
    return unit.words <= 3 and unit.text.strip(" .!:").lower() in REACTION_WORDS


def is_nav_menu(unit: Unit) -> bool:
    """A run of short link labels joined by separators ("Home | World | Europe")."""
    if unit.text.startswith("|"):  # a table row, as extractors write tables
        return False
    parts = _NAV_SEP.split(unit.text)
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts) and not unit.text.endswith(".")


def line_kind(u: Unit) -> tuple[str, str] | None:
    """The non-body kind of one unit from its own features, or None (maybe body)."""
    t = u.text
    if not u.alpha_ok:
        if _NUM_COUNTER.match(t):
            return "counter", "numbers only"
        if any(c.isdigit() for c in t):
            return None  # a number, a score, a table row: not evidence of noise on its own
        return "fragment", "no word of two letters or more"
    if len(t) <= 3 and not t[0].isdigit() and t.lower() not in REACTION_WORDS:
        return "fragment", "three characters or fewer"
    short = u.words <= 12
    if short:
        if _ADDR_LABEL.match(t):
            return "address", "address label"
        if _ADDR_STREET.match(t) or _ADDR_CITY.match(t) or _ADDR_POBOX.match(t):
            return "address", "street, city/ZIP or P.O. box line"
        if _COUNTER.match(t):
            return "counter", "counter"
        if _WIDGET_HEAD.match(t):
            return "widget", "reaction widget"
        if _WIDGET.match(t):
            return "widget", "share or page widget"
        if _ADVERT.match(t):
            return "advert", "advertisement marker"
        if _NAV_WHOLE.match(t):
            return "navigation", "navigation label"
        if is_nav_menu(u):
            return "navigation", "menu or breadcrumb"
    if u.words <= 40 and _NAV_PREFIX.match(t):
        return "navigation", "link to other content"
    # cheap substring tests first: most lines are prose and match none of the costlier patterns below
    low = t.lower()
    if has_any(low, _EMBED_HINTS) and _EMBED.search(t):
        return "embed", "social-media embed"
    if u.words <= 80 and not u.has_quote and has_any(low, _LICENSING_HINTS) and \
            (_LICENSING.search(t) if u.words <= 35 else _LICENSING_STRONG.search(t)):
        return "licensing", "licensing or syndication note"
    if u.words <= 40 and credits_in(u):
        return "credit", "reporting credit"
    if u.words <= 60 and _is_caption(t, low):
        return "caption", "photo or video credit"
    if u.words <= 25 and not u.has_quote and ("@" in t or "protected" in low or _CONTACT_HEAD.match(t)):
        if _EMAIL.search(t) or (_CONTACT_HEAD.match(t) and _PHONE.search(t)):
            return "contact", "e-mail or phone contact"
    if u.words <= 30 and _PROMO.match(t):
        return "promo", "promotion"
    is_head, _ = appeal_origin(u)
    if is_head:
        return "appeal", "appeal header"
    return None
