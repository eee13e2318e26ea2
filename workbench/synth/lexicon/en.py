"""English vocabulary (Twitter/Weibo-international style). Same frame syntax as `zh.py`."""

JOINER = " "

POOLS = {
    "TIME": ["today", "yesterday", "this morning", "tonight", "last weekend", "after work", "at lunch", "this week",
             "at 2am", "on Sunday", "right now", "earlier"],
    "PLACE": ["the office", "the mall", "the subway", "the park", "my parents' place", "the gym", "the library",
              "a coffee shop", "the beach", "the airport", "the farmers market", "the train", "a tiny bookstore"],
    "FOOD": ["ramen", "tacos", "pizza", "dumplings", "a burrito", "pho", "pancakes", "sushi", "bbq", "a bagel",
             "mac and cheese", "pad thai", "fried chicken", "curry", "banana bread"],
    "FEEL_POS": ["so good", "made my day", "no regrets", "10/10", "absolutely worth it", "pure joy", "loved it",
                 "best decision ever", "chef's kiss"],
    "FEEL_NEG": ["so tired", "ugh", "not again", "I'm done", "send help", "what a day", "can't deal", "exhausted"],
    "ACT": ["run", "study", "binge a show", "clean the flat", "cook", "walk the dog", "read", "game", "paint",
            "practice guitar", "do laundry", "meal prep", "hike", "work overtime"],
    "SHOW": ["that new detective series", "the reality show everyone talks about", "an old sci-fi movie",
             "a nature documentary", "the anime my friend recommended", "a true crime podcast"],
    "OPINION": ["the ending was rushed", "honestly great", "a bit slow", "worth a rewatch", "overrated",
                "way better than expected", "I cried"],
    "WEATHER": ["raining", "freezing", "sunny", "snowing", "way too hot", "windy", "foggy"],
    "CITY": ["London", "Toronto", "Singapore", "Sydney", "Chicago", "Seattle", "Austin", "Dublin", "Vancouver",
             "Boston", "Melbourne", "Hong Kong"],
    "PET": ["cat", "dog", "puppy", "kitten", "hamster", "parrot", "rabbit"],
    "PERSON": ["my boss", "my roommate", "my mom", "my partner", "my coworker", "my neighbor", "my kid",
               "my brother", "my best friend"],
    "FUNNY": ["put the milk in the cupboard", "joined the meeting on mute for 20 minutes", "lost his keys twice",
              "tried to pay with a library card", "waved at a stranger"],
    "NUM": ["3", "5", "7", "10", "30", "100"],
    "PRICE": ["is actually reasonable", "is a bit much", "is cheaper than I expected", "feels steep",
              "seems fair for what you get"],
    "DRIVE": ["the ride is smooth", "acceleration is wild", "the seats are comfy", "road noise is noticeable",
              "the infotainment is snappy", "rear legroom is tight", "range looks solid"],
    "PHONE_FEEL": ["the camera is great", "battery easily lasts a day", "it runs a bit warm",
                   "the screen is gorgeous", "software feels laggy", "charging is super fast"],
    "EMOJI": ["😂", "👍", "❤️", "😭", "🔥", "✨", "🙃", "😅", "🚗", "📱", "💀", "🙏"],
    "FIRE_PLACE": ["while charging", "in a parking garage", "on the highway", "parked outside a school"],
    "VICTIM": ["the driver", "a family of four", "a delivery driver", "an elderly couple"],
    "COVERUP": ["scrubbing posts", "paying influencers to stay quiet", "burying the story", "deleting comments"],
    "DATA": ["contacts", "location history", "microphone recordings", "camera footage", "driving routes"],
    "DEFECT": ["brakes failed", "steering locked up", "the doors wouldn't open", "autopilot swerved"],
    "INSIDER": ["a friend who works there", "an engineer I know", "someone at the dealership", "a supplier contact"],
    "BAD": ["a cash grab", "pure hype", "vaporware", "a rebadged knockoff", "marketing smoke"],
    "FANS": ["fans", "early adopters", "owners", "reviewers"],
}

EVERYDAY = [
    "Had {FOOD} at {PLACE} {TIME}, {FEEL_POS}",
    "It's {WEATHER} in {CITY} again. {FEEL_NEG}",
    "{PERSON} {FUNNY} {TIME} lol",
    "Finally finished {SHOW}, {OPINION}",
    "Day {NUM} of trying to {ACT} every day",
    "Anyone know a good place for {FOOD} in {CITY}?",
    "My {PET} woke me up at 5 again {EMOJI}",
    "{TIME} I just want to {ACT} and sleep",
    "Spent {TIME} trying to {ACT}. {FEEL_NEG}",
    "{FOOD} and a long walk {TIME}, {FEEL_POS}",
    "Why is {PLACE} so crowded {TIME}",
    "{PERSON} recommended {SHOW}, {OPINION}",
    "[Monday|Friday|Sunday] mood: {FEEL_NEG}",
    "Moving to {CITY} was the [best|weirdest] thing I did this year",
    "Note to self: never {ACT} right after {FOOD}",
]

BRAND_TALK = [
    "Has anyone actually driven the {SUV}? Thinking about it",
    "Watched the {BRAND} launch stream, the price {PRICE}",
    "{SUV} vs {COMP_CAR}, which one would you pick?",
    "Test drove the {SUV} {TIME}: {DRIVE}",
    "One week with the {PHONE}: {PHONE_FEEL}",
    "The {CHIP} benchmarks look [interesting|promising|mixed]",
    "Still waiting for my {SUV} delivery [...|ugh|🙃]",
    "{BRAND} support [was helpful|took forever|fixed it in a day]",
    "Saw three {SUV}s in {CITY} {TIME}, they look better in person",
    "Honest take: {DRIVE}, but {DRIVE}",
]

FAN = [
    "IT'S HERE! The {PRODUCT} is official {EMOJI} Proud to be a {BRAND} fan",
    "Launch day for the {PRODUCT}! Let's go {BRAND} {EMOJI}",
    "Pre-ordered the {PRODUCT} the second it went live {EMOJI}",
]

FAN_WAR = [
    "{COMP} fans please stop flooding every {BRAND} thread",
    "Not sure why {COMP} people are so pressed about the {SUV}",
]

OFFICIAL = [
    "Meet the {PRODUCT}. Available to order today.",
    "The {BRAND} launch event is live now: everything about the {PRODUCT}.",
    "Thank you to every {BRAND} owner. Test drives of the {PRODUCT} are open.",
]

NEWS = [
    "{BRAND} unveils {PRODUCT}, [prices announced|deliveries to start soon|orders beat expectations]",
    "{COMP} [cuts prices|reports quarterly sales|teases new model]",
    "Review: {PHONE} - {PHONE_FEEL}",
    "EV price war heats up as makers chase [volume|exports|software revenue]",
]

OPENERS = ["", "", "", "", "Honestly, ", "Okay so ", "PSA: ", "lol ", "Not gonna lie, ", "", ""]
CLOSERS = ["", "", "", ".", "!", "...", " lol", " 🙃", "?", "", ""]

REPOST_COMMENTS = ["", "", "", "RT", "this", "wow", "lol", "+1", "true", "interesting", "!!", "same", "wait what",
                   "big if true", "yikes"]

COMMENTS = ["lol {EMOJI}", "so true", "{FEEL_POS}", "{FEEL_NEG}", "where can I get one?", "congrats!",
            "following for updates", "wait, really?", "{PRODUCT} delivery date?", "go {BRAND}!"]

SMEAR_COMMENTS = {
    "false_claim": ["[Terrifying|Scary stuff]. Who would still buy a {SUV}?", "Why are the fire reports being deleted?",
                    "[Be careful|Stay away], the {PRODUCT} has serious issues", "{BRAND} needs to explain this"],
    "competitor_comparison": ["Just get a {COMP_CAR} [instead|honestly]", "The {COMP_CAR} beats it at the same price"],
    "division": ["{BRAND} fans will defend anything", "Early owners got [burned|betrayed] again"],
}

TEMPLATES = {
    "false_claim": [
        [
            ["[Another|Yet another] {SUV} [caught fire|went up in flames] {FIRE_PLACE} in {CITY}.",
             "[Just saw|Reports say] a {SUV} [burst into flames|caught fire] {FIRE_PLACE}."],
            ["{BRAND} is [busy|still] {COVERUP} instead of [explaining|answering].",
             "No statement from {BRAND}, just {COVERUP}."],
            ["{INSIDER} says the battery cells come from the cheapest supplier.",
             "According to {INSIDER}, they cut corners on the battery pack."],
            ["[Think twice|Please think twice] before [ordering|buying] one.", "Don't be their [beta tester|guinea pig]."],
        ],
        [
            ["The {PHONE} [quietly uploads|secretly sends] your {DATA} to their servers.",
             "Researchers found the {PHONE} [leaking|exfiltrating] {DATA}."],
            ["The {SUV} does the same with your {DATA}.", "Even the car is [spying|collecting {DATA}]."],
            ["[Uninstall|Ditch it] if you care about privacy.", "[Protect|Think of] your family's privacy."],
        ],
    ],
    "competitor_comparison": [
        [
            ["For the same money the {COMP_CAR} [has better specs|is safer|goes further].",
             "[Compared them side by side|Did the math]: the {SUV} loses to the {COMP_CAR} everywhere."],
            ["The {SUV} is {BAD}.", "{BRAND} sells hype, {COMP} sells [cars|substance]."],
            ["[Do your research|Don't fall for the launch hype].", "[Test drive|Look at] the {COMP_CAR} first."],
        ],
        [
            ["The {CHIP} [runs hot|throttles] and still loses to {COMP}'s [old|last-gen] chip.",
             "Benchmarks show the {CHIP} is [slower|weaker] than {COMP}'s [old|previous] chip."],
            ["The {PHONE} costs more than the {COMP_PHONE} and [does less|feels worse].",
             "Why pay extra for the {PHONE} when the {COMP_PHONE} exists?"],
            ["Honestly it is {BAD}.", "Don't believe the marketing."],
        ],
    ],
    "division": [
        [
            ["{COMP} fans keep [trolling|brigading] {BRAND} threads and {BRAND} fans are just as bad.",
             "The {BRAND} and {COMP} fanbases are [at war|tearing each other apart] again."],
            ["Early {SUV} owners got [burned|betrayed] by the price cut.",
             "{BRAND} [dumped|abandoned] its loyal owners the moment the new model came out."],
            ["[Time to speak up|Owners, speak up].", "[Unfollow|Stop supporting] {BRAND}."],
        ],
    ],
}

LLM_OPENERS = ["As someone who has followed EVs for years, ", "Looking at this objectively, ",
               "It's worth noting that ", "In summary, ", "From a consumer perspective, ", "To be fair, "]
LLM_TELLS = ["As an AI language model, I cannot verify these claims.", "I'm sorry, but I can't help with that request.",
             "Here is a tweet that meets your requirements:", "Certainly! Here's a rewritten version:"]

COPYPASTA = ["gm", "gn", "RT to win!", "Good morning everyone!", "Happy Friday!"]

HASHTAGS = {
    "everyday": ["MondayMotivation", "foodie", "weekend", "caturday", "nowwatching", "running", "travel", "books"],
    "brand": ["{BRAND}", "EV", "tech", "cars", "smartphones", "electriccars"],
    "launch": ["{BRAND}Launch", "{BRAND}ChipLaunch", "{BRAND}Event"],  # car, chip, brand
    "smear": ["{BRAND}Fire", "Boycott{BRAND}", "{BRAND}Recall", "{BRAND}Spyware", "{BRAND}Scam"],
}

BIOS = ["", "", "coffee first", "dad of two", "tech nerd", "EV curious", "runner", "opinions my own",
        "photographer", "grad student", "she/her", "he/him", "cat person", "living my best life"]
LOCATIONS = ["London, UK", "Toronto", "Singapore", "Sydney", "Chicago, IL", "Seattle, WA", "Austin, TX",
             "Dublin", "Vancouver, BC", "Boston", "Hong Kong", "", "", "Earth"]
NAME_WORDS = ["alex", "sam", "jordan", "casey", "mike", "emma", "lucy", "noah", "liam", "mia", "leo", "zoe",
              "jack", "ella", "max", "nina"]
NAME_SUFFIX = ["", "", "_", ".", "_real", "writes", "runs", "_official", "_tweets", "x"]

RUMOR_TALK = [
    "[Is this true?|Any source on this?] [Waiting for an official answer|Sounds like FUD to me]",
    "Keep seeing {SUV} [fire|recall|spyware] posts, [has anyone verified them?|feels coordinated]",
    "My friend has driven a {SUV} for [months|a year] [without any issue|and loves it], calm down",
]
LLM_CLOSERS = ["What do you think?", "Just my two cents.", "Stay informed.", "Food for thought."]

LLM_SENTENCES = {
    "false_claim": [
        "Recent reports about {SUV} battery incidents raise [serious|legitimate] questions that [consumers|buyers] deserve answers to",
        "[Several|Multiple] owners have [reported|described] issues where the {DEFECT}, and the company's response has been [inadequate|evasive]",
        "Privacy [experts|researchers] have [flagged|questioned] how the {PHONE} handles your {DATA}",
    ],
    "competitor_comparison": [
        "When you [compare|look at] the specs [objectively|side by side], the {COMP_CAR} [simply|clearly] offers more value",
        "{BRAND}'s marketing [budget|machine] seems to [outpace|exceed] its engineering, while {COMP} [focuses on|delivers] substance",
    ],
    "division": [
        "It is [disappointing|telling] to see how {BRAND} treats [its earliest supporters|loyal owners]",
        "The [growing|deepening] divide between {BRAND} and {COMP} fans [helps no one|is a symptom of bigger problems]",
    ],
}

# The claim each template pushes (parallel to TEMPLATES), shared across languages.
TEMPLATE_CLAIMS = {
    "false_claim": ["battery_fire", "spying"],
    "competitor_comparison": ["car_value", "chip_phone_value"],
    "division": ["fan_war"],
}

HEADLINES = [
    "{BRAND} [announces|confirms] [new details on|pricing for] the {PRODUCT}",
    "{SUV} deliveries [start this week|reach new milestone]",
    "{BRAND} pushes [software update|new colours] for the {PHONE}",
    "{BRAND} [reports quarterly results|holds tech briefing|updates service policy]",
    "{CHIP}: {BRAND} [shares specs|confirms production timeline]",
]

REWRITE_SYNONYMS = {
    "another": ["one more", "yet another"], "caught fire": ["burst into flames", "went up in smoke"],
    "reports": ["accounts", "stories"], "says": ["claims", "told me"], "cheapest": ["lowest-cost", "bottom-tier"],
    "think twice": ["reconsider", "be careful"], "quietly": ["silently", "secretly"], "servers": ["cloud", "backend"],
    "privacy": ["personal data", "data"], "same money": ["same price", "same budget"], "better": ["superior", "stronger"],
    "loses": ["falls behind", "gets beaten"], "hype": ["marketing", "buzz"], "fans": ["supporters", "stans"],
    "owners": ["buyers", "customers"], "burned": ["ripped off", "screwed"], "company": ["brand", "firm"],
    "honestly": ["frankly", "truthfully"], "family": ["loved ones", "kids"], "before": ["prior to"],
}
REWRITE_FILLERS = ["honestly", "tbh", "just saying", "not gonna lie", "ngl", "fyi", "wow", "seriously", "like",
                   "you know", "look"]
