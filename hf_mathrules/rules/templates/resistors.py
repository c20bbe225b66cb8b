"""Templates of ``word_resistors``.  Fields: ``{known}`` (a phrase listing the known components),
``{labelled}`` (``R1 = 12 ohms, R3 = 36 ohms``), ``{x}`` (the unknown's name), ``{total}``, ``{n}``
(how many components, as a word), ``{device}`` (a component noun, plural)."""

SERIES_TOTAL = (
    "{Known} are connected in series. What is the total resistance of the circuit, in ohms?",
    "A circuit has {known} wired one after another, in series. Find the equivalent resistance in ohms.",
    "An electrician joins {known} end to end in a single series chain. What single resistance, in ohms, "
    "could replace the whole chain?",
    "A toy uses {n} {device} in series: {known}. Compute the total resistance in ohms.",
    "A student builds a series circuit from {known}. What total resistance, in ohms, does the battery see?",
    "{Known} carry the same current because they are connected in series. What is their combined "
    "resistance in ohms?",
    "Find the resistance, in ohms, of a series connection of {known}.",
)

SERIES_UNKNOWN = (
    "A resistor {x} is connected in series with {labelled}. The total resistance is {total} ohms. "
    "What is {x}, in ohms?",
    "A series circuit has a total resistance of {total} ohms. It is made of {labelled} and one more "
    "resistor, {x}. Find {x} in ohms.",
    "To get exactly {total} ohms, a technician puts {labelled} in series with a resistor {x}. How many "
    "ohms must {x} have?",
    "The equivalent resistance of {labelled} in series with {x} is {total} ohms. Determine {x} in ohms.",
    "An engineer needs {total} ohms from a series chain made of {labelled} and a resistor {x}. What "
    "value of {x}, in ohms, works?",
    "A string of {n} {device} in series has a total resistance of {total} ohms. The known ones are "
    "{labelled}. What is the resistance {x}, in ohms?",
    "A multimeter reads {total} ohms across a series chain of {n} components: {labelled}, and {x}. "
    "Solve for {x} in ohms.",
)

PARALLEL_TOTAL = (
    "{Known} are connected in parallel. What is the equivalent resistance, in ohms?",
    "A circuit has {known} side by side, all across the same two terminals (in parallel). Find the total "
    "resistance in ohms.",
    "An electrician wires {known} in parallel. What single resistance, in ohms, could replace them?",
    "A house circuit has {n} {device} in parallel: {known}. Compute the combined resistance in ohms.",
    "A student connects {known} in parallel to a battery. What total resistance, in ohms, does the "
    "battery see?",
    "{Known} all have the same voltage across them because they are in parallel. What is their "
    "equivalent resistance in ohms?",
    "Find the resistance, in ohms, of a parallel connection of {known}.",
)

PARALLEL_UNKNOWN = (
    "A resistor {x} is connected in parallel with {labelled}. The equivalent resistance is {total} "
    "ohms. What is {x}, in ohms?",
    "A parallel circuit has a total resistance of {total} ohms. Its branches are {labelled} and one more "
    "resistor, {x}. Find {x} in ohms.",
    "To get exactly {total} ohms, a technician puts a resistor {x} in parallel with {labelled}. How many "
    "ohms must {x} have?",
    "The equivalent resistance of {labelled} in parallel with {x} is {total} ohms. Determine {x} in ohms.",
    "An engineer needs {total} ohms from {n} {device} in parallel: {labelled}, and {x}. What value of "
    "{x}, in ohms, works?",
    "A multimeter reads {total} ohms across {n} branches connected in parallel: {labelled}, and {x}. "
    "Solve for {x} in ohms.",
    "{n_cap} {device} are wired in parallel and together act like a single {total}-ohm resistor. The "
    "known ones are {labelled}. What is {x}, in ohms?",
)

TEMPLATES = {
    "series_total": SERIES_TOTAL,
    "series_unknown": SERIES_UNKNOWN,
    "parallel_total": PARALLEL_TOTAL,
    "parallel_unknown": PARALLEL_UNKNOWN,
}

# component nouns: (singular, plural)
DEVICES = (
    ("resistor", "resistors"),
    ("heating element", "heating elements"),
    ("lamp", "lamps"),
    ("wire coil", "wire coils"),
    ("light bulb", "light bulbs"),
    ("sensor", "sensors"),
)

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
