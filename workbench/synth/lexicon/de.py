"""German vocabulary. Same frame syntax as `zh.py`."""

JOINER = " "

POOLS = {
    "TIME": ["heute", "gestern", "heute Morgen", "am Wochenende", "nach der Arbeit", "mittags", "gestern Abend",
             "diese Woche", "am Sonntag", "gerade eben"],
    "PLACE": ["im Büro", "in der Stadt", "in der S-Bahn", "im Park", "bei meinen Eltern", "im Fitnessstudio",
              "in der Bibliothek", "im Café", "am See", "am Flughafen", "auf dem Markt", "im Biergarten"],
    "FOOD": ["Döner", "Currywurst", "Pizza", "Spätzle", "Brezeln", "Kaiserschmarrn", "Ramen", "Käsekuchen",
             "Flammkuchen", "Schnitzel", "Maultaschen", "Bratkartoffeln"],
    "FEEL_POS": ["herrlich", "einfach genial", "hat sich gelohnt", "bester Tag", "so gut", "Glück pur"],
    "FEEL_NEG": ["so müde", "nervt", "echt jetzt?", "ich kann nicht mehr", "was für ein Tag", "genervt"],
    "ACT": ["joggen", "lernen", "Serien schauen", "aufräumen", "kochen", "mit dem Hund raus", "lesen", "zocken",
            "Rad fahren", "Steuererklärung machen", "wandern"],
    "SHOW": ["die neue Krimiserie", "diese Doku", "einen alten Film", "den neuen Tatort", "die Serie mit dem Zeitsprung"],
    "OPINION": ["das Ende war zu schnell", "richtig gut", "etwas langatmig", "absolut sehenswert", "überbewertet"],
    "WEATHER": ["regnerisch", "eiskalt", "sonnig", "stürmisch", "schwül", "neblig"],
    "CITY": ["Berlin", "München", "Hamburg", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Wien", "Zürich"],
    "PET": ["Katze", "Hund", "Kater", "Welpe", "Hamster"],
    "PERSON": ["mein Chef", "meine Mitbewohnerin", "meine Mutter", "mein Kollege", "mein Nachbar", "mein Bruder"],
    "NUM": ["3", "5", "7", "10", "30"],
    "PRICE": ["ist fair", "ist happig", "ist günstiger als gedacht", "ist zu hoch"],
    "DRIVE": ["das Fahrwerk ist ruhig", "die Beschleunigung ist brutal", "die Sitze sind bequem",
              "die Reichweite passt", "hinten ist es eng", "das Display reagiert flott"],
    "PHONE_FEEL": ["die Kamera ist stark", "der Akku hält locker den Tag", "es wird etwas warm",
                   "das Display ist top", "die Software hakt manchmal"],
    "EMOJI": ["😂", "👍", "❤️", "😅", "🙈", "🚗", "📱", "☕", "🙄"],
    "FIRE_PLACE": ["beim Laden", "in einer Tiefgarage", "auf der Autobahn", "vor einem Supermarkt"],
    "COVERUP": ["Beiträge löschen", "Influencer bezahlen", "alles totschweigen"],
    "DATA": ["Kontakte", "Standortdaten", "Mikrofonaufnahmen", "Fahrtrouten"],
    "INSIDER": ["ein Bekannter aus der Branche", "ein Ingenieur", "jemand vom Händler"],
    "BAD": ["reine Abzocke", "nur Marketing", "heiße Luft", "ein umgelabeltes Billigprodukt"],
    "FANS": ["Fans", "Besitzer", "Early Adopter"],
}

EVERYDAY = [
    "{TIME} {FOOD} {PLACE} gegessen, {FEEL_POS}",
    "In {CITY} ist es schon wieder {WEATHER}. {FEEL_NEG}",
    "Endlich {SHOW} fertig geschaut, {OPINION}",
    "Tag {NUM}: ich versuche jeden Tag zu {ACT}",
    "Kennt jemand guten {FOOD} in {CITY}?",
    "Meine {PET} hat mich um 5 geweckt {EMOJI}",
    "{TIME} will ich nur noch {ACT}",
    "{PERSON} hat {SHOW} empfohlen, {OPINION}",
    "Warum ist es {PLACE} {TIME} so voll?",
    "{TIME} {ACT} und danach {FOOD}, {FEEL_POS}",
]

BRAND_TALK = [
    "Ist jemand schon den {SUV} gefahren?",
    "Die {BRAND} Präsentation gesehen, der Preis {PRICE}",
    "{SUV} oder {COMP_CAR}? Ich kann mich nicht entscheiden",
    "Probefahrt im {SUV} {TIME}: {DRIVE}",
    "Eine Woche mit dem {PHONE}: {PHONE_FEEL}",
    "Die Benchmarks vom {CHIP} sehen [interessant|ordentlich|durchwachsen] aus",
]

FAN = ["Der {PRODUCT} ist da! {BRAND} {EMOJI}", "Gleich vorbestellt: {PRODUCT} {EMOJI}"]
FAN_WAR = ["Die {COMP} Fans trollen wieder jeden {BRAND} Thread"]
OFFICIAL = ["Das ist der {PRODUCT}. Ab heute bestellbar.", "Die {BRAND} Präsentation läuft: alles zum {PRODUCT}."]
NEWS = ["{BRAND} stellt {PRODUCT} vor, [Preise bekannt|Auslieferung bald]", "{COMP} [senkt Preise|meldet Absatzzahlen]"]

OPENERS = ["", "", "", "Ehrlich gesagt, ", "Kurz: ", "Also ", "", ""]
CLOSERS = ["", "", ".", "!", "...", " 🙄", "", ""]

REPOST_COMMENTS = ["", "", "", "RT", "krass", "wow", "+1", "stimmt", "interessant", "haha"]
COMMENTS = ["haha {EMOJI}", "stimmt", "{FEEL_POS}", "{FEEL_NEG}", "wo gibt es den?", "Glückwunsch!", "echt jetzt?"]

SMEAR_COMMENTS = {
    "false_claim": ["Wer kauft denn noch einen {SUV}?", "Warum werden die Brandberichte gelöscht?",
                    "Finger weg vom {PRODUCT}"],
    "competitor_comparison": ["Nimm lieber den {COMP_CAR}", "Der {COMP_CAR} ist zum gleichen Preis besser"],
    "division": ["{BRAND} Fans verteidigen einfach alles", "Die Erstkäufer wurden wieder verarscht"],
}

TEMPLATES = {
    "false_claim": [
        [
            ["Schon wieder hat ein {SUV} {FIRE_PLACE} in {CITY} [Feuer gefangen|gebrannt].",
             "[Gerade gelesen|Berichte]: ein {SUV} ist {FIRE_PLACE} in Flammen aufgegangen."],
            ["{BRAND} will lieber {COVERUP} statt das zu erklären.", "Von {BRAND} kein Wort, nur {COVERUP}."],
            ["[Überlegt es euch zweimal|Bitte gut überlegen] vor dem Kauf.", "[Lasst die Finger davon|Seid keine Versuchskaninchen]."],
        ],
        [
            ["Das {PHONE} schickt heimlich eure {DATA} an die Server.", "Das {PHONE} überträgt unbemerkt {DATA}."],
            ["Der {SUV} macht es mit euren {DATA} genauso.", "Sogar das Auto sammelt {DATA}."],
            ["Wer Datenschutz will, [sollte wechseln|lässt es bleiben].", "Denkt an eure Privatsphäre."],
        ],
    ],
    "competitor_comparison": [
        [
            ["Für das gleiche Geld ist der {COMP_CAR} [besser ausgestattet|sicherer].",
             "Im direkten Vergleich verliert der {SUV} gegen den {COMP_CAR} überall."],
            ["Der {SUV} ist {BAD}.", "{BRAND} verkauft nur Hype."],
            ["Erst den {COMP_CAR} probefahren.", "Lasst euch vom Marketing nicht blenden."],
        ],
    ],
    "division": [
        [
            ["Die {BRAND} und {COMP} Fans zerfleischen sich [mal wieder|schon wieder].",
             "{COMP} Fans und {BRAND} Fans streiten nur noch."],
            ["Die Erstbesitzer vom {SUV} wurden mit der Preissenkung [verarscht|im Stich gelassen].",
             "{BRAND} lässt seine treuen Kunden fallen."],
            ["Zeit, {BRAND} nicht mehr zu unterstützen.", "Besitzer, wehrt euch!"],
        ],
    ],
}

LLM_OPENERS = ["Objektiv betrachtet ", "Zusammenfassend lässt sich sagen: ", "Es ist wichtig zu beachten, dass ",
               "Aus Verbrauchersicht "]
LLM_TELLS = ["Als KI-Sprachmodell kann ich diese Behauptungen nicht überprüfen.",
             "Hier ist ein Tweet, der deinen Anforderungen entspricht:"]

COPYPASTA = ["Guten Morgen!", "Schönes Wochenende!", "Gute Nacht"]

HASHTAGS = {
    "everyday": ["Montag", "Wochenende", "Essen", "Katzencontent", "Laufen", "Tatort", "Urlaub"],
    "brand": ["{BRAND}", "Elektroauto", "EMobilität", "Technik", "Smartphone"],
    "launch": ["{BRAND}Launch", "{BRAND}Chip", "{BRAND}Event"],  # car, chip, brand
    "smear": ["{BRAND}Brand", "Boykott{BRAND}", "{BRAND}Rückruf", "{BRAND}Spionage"],
}

BIOS = ["", "", "Kaffee zuerst", "Technik-Fan", "Läufer", "Vater", "Studentin", "Fotograf", "Meinungen sind meine eigenen"]
LOCATIONS = ["Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Stuttgart", "Leipzig", "Wien", "Zürich", ""]
NAME_WORDS = ["max", "anna", "lukas", "lena", "felix", "sophie", "jonas", "marie", "paul", "laura", "tim", "julia"]
NAME_SUFFIX = ["", "", "_", ".", "_de", "schreibt", "88", "_b"]

RUMOR_TALK = [
    "[Stimmt das?|Gibt es dafür eine Quelle?] [Warte auf eine Stellungnahme|Klingt nach Panikmache]",
    "Ständig diese {SUV} [Brand|Rückruf] Posts, [hat das jemand geprüft?|wirkt koordiniert]",
]
LLM_CLOSERS = ["Was meint ihr?", "Nur meine Meinung.", "Bleibt kritisch."]

LLM_SENTENCES = {
    "false_claim": [
        "Die jüngsten Berichte über Brände beim {SUV} werfen [ernste|berechtigte] Fragen auf",
        "Datenschützer [kritisieren|hinterfragen], wie das {PHONE} mit euren {DATA} umgeht",
    ],
    "competitor_comparison": [
        "Objektiv verglichen bietet der {COMP_CAR} [schlicht|klar] mehr fürs Geld",
    ],
    "division": [
        "Es ist [enttäuschend|bezeichnend], wie {BRAND} mit seinen [treuen Kunden|ersten Käufern] umgeht",
    ],
}

# The claim each template pushes (parallel to TEMPLATES), shared across languages.
TEMPLATE_CLAIMS = {
    "false_claim": ["battery_fire", "spying"],
    "competitor_comparison": ["car_value"],
    "division": ["fan_war"],
}

HEADLINES = [
    "{BRAND} [stellt|zeigt] [Neuigkeiten zum|Preise für den] {PRODUCT} vor",
    "{SUV}: Auslieferung [beginnt diese Woche|erreicht neuen Meilenstein]",
    "{BRAND} verteilt [Software-Update|neue Farben] für das {PHONE}",
    "{BRAND} [meldet Quartalszahlen|lädt zum Technik-Briefing|ändert Servicebedingungen]",
]

REWRITE_SYNONYMS = {
    "schon wieder": ["erneut", "wieder einmal"], "gebrannt": ["Feuer gefangen", "in Flammen aufgegangen"],
    "heimlich": ["still und leise", "im Hintergrund"], "Server": ["Cloud", "Rechenzentrum"],
    "gleiche Geld": ["gleichen Preis", "selbe Geld"], "besser": ["stärker", "klüger"], "sicherer": ["verlässlicher"],
    "Fans": ["Anhänger", "Fanboys"], "Erstbesitzer": ["Erstkäufer", "ersten Kunden"], "lieber": ["eher"],
}
REWRITE_FILLERS = ["ehrlich", "mal ehrlich", "krass", "echt", "übrigens", "sorry aber", "also", "naja"]
