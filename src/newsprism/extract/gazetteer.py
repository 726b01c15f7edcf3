"""Small hand-written lexicons for news extraction (written for newsprism, not copied from any dataset).

Kept deliberately short and general: the rules in ``entities.py`` label most
names from their shape and context; these lists settle the common cases.
"""

from __future__ import annotations

#: Titles and roles that precede a person's name. Longest first matters only for readability.
PERSON_TITLES = frozenset(
    """president vice prime minister chancellor secretary senator sen. rep. representative governor gov.
    mayor general gen. lt. colonel col. major maj. sgt. sergeant captain capt. admiral adm. commander
    judge justice king queen prince princess pope ambassador spokesman spokeswoman spokesperson
    director chairman chairwoman chair ceo chief minister foreign defense defence interior finance
    dr. mr. mrs. ms. prof. professor sheikh leader premier deputy attorney speaker rev. officer
    president-elect first lady advisor adviser envoy commissioner inspector detective sheriff coach""".split()
)

#: Words that make a capitalised name an organisation.
ORG_WORDS = frozenset(
    """ministry department office agency council committee commission party parliament congress senate
    house assembly court bank fund union university college institute school hospital police army navy
    force forces corps guard company corporation corp. inc. inc ltd. group foundation association times
    post news journal press tribune herald gazette ledger courier chronicle reuters network channel television radio airlines
    administration government cabinet kremlin pentagon nato un eu fbi cia nsa who imf opec board
    authority service services organization organisation federation league club brigade battalion
    command coalition alliance movement front""".split()
)

#: Countries, regions and cities common in international news (lower case).
PLACES = frozenset(
    """afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh
    belarus belgium bolivia bosnia brazil britain bulgaria cambodia cameroon canada chile china colombia
    congo croatia cuba cyprus czechia denmark ecuador egypt england eritrea estonia ethiopia europe
    finland france gaza georgia germany ghana greece guatemala haiti honduras hungary iceland india
    indonesia iran iraq ireland israel italy japan jordan kazakhstan kenya korea kosovo kuwait
    kyrgyzstan laos latvia lebanon libya lithuania luxembourg madagascar malaysia mali mexico moldova
    mongolia montenegro morocco mozambique myanmar namibia nepal netherlands nicaragua niger nigeria
    norway oman pakistan palestine panama paraguay peru philippines poland portugal qatar romania russia
    rwanda scotland senegal serbia singapore slovakia slovenia somalia spain sudan sweden switzerland
    syria taiwan tajikistan tanzania thailand tunisia turkey turkmenistan uganda ukraine uruguay
    uzbekistan venezuela vietnam wales yemen zambia zimbabwe africa asia america americas antarctica
    crimea donbas donetsk luhansk kursk kherson zaporizhzhia kharkiv kyiv kiev odesa lviv moscow
    washington london paris berlin rome madrid beijing tokyo seoul pyongyang tehran jerusalem cairo
    brussels geneva warsaw minsk ankara istanbul delhi mumbai sydney toronto ottawa mexico
    york california texas florida chicago boston""".split()
) | frozenset({"united states", "united kingdom", "north korea", "south korea", "new york",
               "european union", "middle east", "west bank", "saudi arabia", "south africa",
               "new zealand", "sri lanka", "hong kong", "los angeles", "san francisco",
               "united arab emirates", "czech republic", "the west"})

#: Abbreviations of places.
PLACE_ABBREVIATIONS = {"U.S.": "United States", "US": "United States", "U.S.A.": "United States",
                       "U.K.": "United Kingdom", "UK": "United Kingdom", "E.U.": "European Union",
                       "EU": "European Union", "U.N.": "United Nations", "UN": "United Nations"}

#: Nationalities and groups (NORP).
NATIONALITIES = frozenset(
    """american british french german russian ukrainian chinese japanese korean north-korean iranian
    israeli palestinian syrian iraqi afghan indian pakistani turkish polish italian spanish european
    african asian arab western eastern democrat democrats republican republicans democratic muslim
    christian jewish catholic canadian mexican brazilian australian belarusian georgian""".split()
) | frozenset({"north korean", "south korean"})

#: Named weapons, systems and products that rarely look like names by shape alone.
WEAPONS = frozenset(
    """atacms himars patriot javelin stinger storm shadow scalp taurus abrams leopard bradley
    f-16 f-35 iskander kinzhal shahed oreshnik tomahawk nasams iris-t s-400 mig-29 su-35""".split()
) | frozenset({"storm shadow", "army tactical missile system", "army tactical missile systems"})

#: Words that start named events.
EVENT_WORDS = frozenset("war election elections summit olympics games cup championship conference "
                        "festival crisis revolution accord accords agreement treaty".split())

#: Capitalised words that are not names when they stand alone (sentence openers, days, months...).
NOT_NAMES = frozenset(
    """a an the this that these those there here it its he she they we i you his her their our my your
    but and or so yet if when while after before as at in on of for to by with from into about over
    under since until during despite although though because however meanwhile still also then now
    some many most all both each every no not one two three four five six seven eight nine ten
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr what why how who where which whose whom said says according earlier later last next
    other another such more less few several first second third dear thank please yes read
    breaking update updated photo video watch advertisement related share""".split()
)

#: Outlets and agencies, canonical name -> aliases (case-sensitive surface forms).
OUTLETS: dict[str, tuple[str, ...]] = {
    "The New York Times": ("New York Times", "NYT", "N.Y. Times", "the Times"),
    "The Washington Post": ("Washington Post", "WaPo", "the Post"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ", "the Journal"),
    "Associated Press": ("Associated Press", "AP"),
    "Reuters": ("Reuters",),
    "AFP": ("Agence France-Presse", "Agence France Presse", "AFP"),
    "Bloomberg": ("Bloomberg News", "Bloomberg"),
    "BBC": ("BBC News", "BBC"),
    "CNN": ("CNN",),
    "Fox News": ("Fox News",),
    "NBC News": ("NBC News", "NBC"),
    "ABC News": ("ABC News", "ABC"),
    "CBS News": ("CBS News", "CBS"),
    "NPR": ("NPR",),
    "Politico": ("Politico", "POLITICO"),
    "Axios": ("Axios",),
    "The Guardian": ("Guardian",),
    "Financial Times": ("Financial Times", "FT"),
    "The Economist": ("Economist",),
    "Al Jazeera": ("Al Jazeera",),
    "The Moscow Times": ("Moscow Times",),
    "The Kyiv Independent": ("Kyiv Independent",),
    "Interfax": ("Interfax",),
    "TASS": ("TASS", "Tass"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Le Monde": ("Le Monde",),
    "Der Spiegel": ("Der Spiegel", "Spiegel"),
    "The Daily Caller": ("Daily Caller",),
    "Axel Springer": ("Axel Springer",),
    "USA Today": ("USA Today",),
    "Los Angeles Times": ("Los Angeles Times", "LA Times"),
    "The Telegraph": ("Telegraph",),
    "The Times of Israel": ("Times of Israel",),
    "Haaretz": ("Haaretz",),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "Anadolu": ("Anadolu",),
    "Breitbart": ("Breitbart News", "Breitbart"),
    "HuffPost": ("HuffPost", "Huffington Post"),
    "Newsweek": ("Newsweek",),
    "Time": ("Time magazine",),
    "The Hill": ("The Hill",),
    "Semafor": ("Semafor",),
    "Daily Beast": ("Daily Beast",),
}

#: Generic sources: "multiple outlets", "media reports".
GENERIC_SOURCES = ("multiple outlets", "several outlets", "multiple news outlets", "several news outlets",
                   "media reports", "local media", "state media", "news reports", "multiple reports",
                   "local news outlets", "several media outlets", "multiple media outlets")
