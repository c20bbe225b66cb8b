"""Templates of ``word_fruit_baskets``: an opening sentence, one sentence per basket (fields ``{contents}``,
``{Contents}``, ``{price}`` (``13 dollars``), ``{k}`` the basket's number, ``{name}`` a shopper) and a question (field
``{fruits}``: ``apple, pear and kiwi``).  A problem picks one of each."""

INTROS = (
    "At a market stall, every fruit of the same kind has the same price.",
    "A fruit shop sells its fruit in mixed baskets; fruits of one kind always cost the same.",
    "Prices at the corner grocery are fixed per piece of fruit.",
    "A school canteen buys fruit from a farm that charges a fixed price per fruit.",
    "Several shoppers buy fruit at the same stand, where each kind of fruit has one price.",
    "A farmer sells fruit by the piece and writes the total of each order on a board.",
    "Some friends compare their receipts from the same fruit market.",
)

BASKETS = (
    "A basket with {contents} costs {price}.",
    "{Contents} cost {price} in total.",
    "Basket {k} holds {contents} and is sold for {price}.",
    "{name} pays {price} for {contents}.",
    "For {contents}, the bill comes to {price}.",
    "A bag of {contents} is priced at {price}.",
    "Order {k}: {contents}, total {price}.",
)

QUESTIONS = (
    "What is the price of one {fruits}?",
    "How much does a single {fruits} cost?",
    "Find the price of each fruit: one {fruits}.",
    "Work out what one {fruits} cost each.",
    "Determine the price per piece of {fruits}.",
    "What does each fruit cost (one {fruits})?",
)

# (singular, plural, variable): the variable is the first letter, chosen among the default letters
FRUITS = (
    ("apple", "apples", "a"),
    ("banana", "bananas", "b"),
    ("coconut", "coconuts", "c"),
    ("date", "dates", "d"),
    ("fig", "figs", "f"),
    ("guava", "guavas", "g"),
    ("kiwi", "kiwis", "k"),
    ("mango", "mangos", "m"),
    ("nectarine", "nectarines", "n"),
    ("pear", "pears", "p"),
    ("quince", "quinces", "q"),
    ("tangerine", "tangerines", "t"),
    ("watermelon", "watermelons", "w"),
    ("yuzu", "yuzus", "y"),
)

NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Liam",
    "Mia",
    "Noor",
    "Omar",
    "Priya",
)
